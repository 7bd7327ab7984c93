package dev.ballast.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChartTest {

  @Test
  void refusesAnIdThatCannotBeAnHtmlId() {
    assertThatThrownBy(() -> Chart.timeSeries("has space", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chart id");
  }

  @Test
  void refusesTimesThatGoBackwards() {
    // given
    Chart chart = Chart.timeSeries("c", "t");

    // when / then
    assertThatThrownBy(() -> chart.series("s", new long[] {5, 4}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 1");
  }

  @Test
  void refusesTimesAndValuesOfDifferentLengths() {
    assertThatThrownBy(
            () -> Chart.timeSeries("c", "t").series("s", new long[] {1, 2}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 times but 1 values");
  }

  @Test
  void refusesTwoSeriesWithTheSameName() {
    // given
    Chart chart = Chart.timeSeries("c", "t").series("s", new long[] {1}, new double[] {1});

    // when / then
    assertThatThrownBy(() -> chart.stepSeries("s", new long[] {1}, new double[] {1}))
        .hasMessageContaining("already has a series 's'");
  }

  @Test
  void refusesASpanThatEndsBeforeItStarts() {
    assertThatThrownBy(() -> Chart.timeSeries("c", "t").span(10, 9, "op"))
        .hasMessageContaining("before its start");
  }

  @Test
  void refusesANonFiniteTarget() {
    assertThatThrownBy(() -> Chart.timeSeries("c", "t").targetLine(Double.NaN, "target"))
        .hasMessageContaining("target must be a finite number");
  }

  @Test
  void colorsOnlyAnExistingSeries() {
    // given
    Chart chart = Chart.timeSeries("c", "t").series("s", new long[] {1}, new double[] {1});

    // when
    chart.seriesColor("s", "#123456");

    // then
    assertThat(chart.seriesList().get(0).color()).isEqualTo("#123456");
    assertThatThrownBy(() -> chart.seriesColor("missing", "#000000"))
        .hasMessageContaining("no series named 'missing'");
  }

  @Test
  void downsamplingKeepsPeaksDipsGapsAndTheEnds() {
    // given: 100,000 flat points with one spike, one dip and one gap
    int n = 100_000;
    long[] t = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = i;
      v[i] = 10;
    }
    v[31_337] = 99;
    v[77_777] = -5;
    v[50_000] = Double.NaN;
    Chart.Series series = new Chart.Series("s", false, t, v, null);

    // when
    Chart.Series reduced = ChartHtml.downsample(series, 3000);

    // then
    assertThat(reduced.times().length).isLessThanOrEqualTo(3000 * 4 / 3 + 2);
    assertThat(reduced.values()).contains(99.0, -5.0);
    assertThat(Arrays.stream(reduced.values()).filter(Double::isNaN).count()).isEqualTo(1);
    assertThat(reduced.times()[0]).isZero();
    assertThat(reduced.times()[reduced.times().length - 1]).isEqualTo(n - 1);
    assertThat(reduced.times()).isSorted();
    int spike = Arrays.binarySearch(reduced.times(), 31_337);
    assertThat(reduced.values()[spike]).isEqualTo(99.0);
  }

  @Test
  void keepsEveryPointWhenNotAskedToDownsample() {
    // given
    Chart.Series series =
        new Chart.Series("s", true, new long[] {1, 2, 3}, new double[] {1, 2, 3}, null);

    // when / then
    assertThat(ChartHtml.downsample(series, 0)).isSameAs(series);
  }

  @Test
  void formatsNumbersCompactly() {
    assertThat(ChartHtml.number(3.0)).isEqualTo("3");
    assertThat(ChartHtml.number(-42.0)).isEqualTo("-42");
    assertThat(ChartHtml.number(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(ChartHtml.number(1234.56789)).isEqualTo("1234.57");
    assertThat(ChartHtml.number(1.0e-7 / 3)).isEqualTo("3.33333E-8");
    assertThat(ChartHtml.number(null)).isEqualTo("null");
  }
}
