package dev.ballast.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.report.testing.HeadlessBrowser;
import dev.ballast.report.testing.SelfContained;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportRenderingIT {
  private static final long START = 1_700_000_000L;

  @TempDir Path dir;

  @Test
  void drawsEveryChartOfALargeReportInHeadlessChromium() throws Exception {
    // given: 30 days at one-minute resolution, four series, plus a small step chart
    int n = 30 * 24 * 60;
    long[] t = new long[n];
    double[] demand = new double[n];
    double[] capacity = new double[n];
    double[] utilization = new double[n];
    double[] replicas = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = START + 60L * i;
      demand[i] = 500 + 400 * Math.sin(2 * Math.PI * i / 1440.0);
      replicas[i] = demand[i] > 600 ? 5 : 3;
      capacity[i] = replicas[i] * 200;
      utilization[i] = demand[i] / capacity[i];
    }
    demand[100] = Double.NaN; // a gap
    HtmlReport report =
        HtmlReport.builder()
            .title("Rendering check")
            .paragraph("Thirty days of synthetic demand.")
            .chart(
                Chart.timeSeries("demand", "Demand and capacity")
                    .yLabel("load")
                    .unit("req/s")
                    .series("demand", t, demand)
                    .stepSeries("capacity", t, capacity)
                    .series("utilization", t, utilization)
                    .targetLine(600, "target")
                    .marker(START + 3600, "peak")
                    .span(START + 7200, START + 9000, "3→5 add member 3, JOIN 12s"))
            .chart(
                Chart.timeSeries("replicas", "Replicas")
                    .yLabel("members")
                    .yMin(0)
                    .stepSeries("replicas", t, replicas))
            .table(Table.withHeaders("policy", "minutes over capacity").row("hpa", "12"))
            .build();
    Path html = dir.resolve("report.html");
    report.writeTo(html);
    long expectedPoints = 4L * n - 1;

    // when
    HeadlessBrowser.Rendering rendering =
        HeadlessBrowser.locate().render(html, dir.resolve("report.png"));

    // then
    assertThat(rendering.scriptError()).isEmpty();
    assertThat(rendering.chartsExpected()).isEqualTo(2);
    assertThat(rendering.chartsDrawn()).isEqualTo(2);
    assertThat(rendering.allChartsDrawn()).isTrue();
    assertThat(rendering.pointsDrawn()).isEqualTo(expectedPoints);
    assertThat(Files.size(rendering.screenshot())).isPositive();
    assertThat(rendering.inkRatio()).isGreaterThan(0.01);
    assertThat(SelfContained.externalReferences(Files.readString(html))).isEmpty();
  }

  @Test
  void opensZoomedToTheWindowInItsLinkAndKeepsChartsInStep() throws Exception {
    // given: three days at one-minute resolution on two charts sharing the time axis
    int n = 3 * 24 * 60;
    long[] t = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = START + 60L * i;
      v[i] = i % 1440;
    }
    Path html = dir.resolve("zoom.html");
    HtmlReport.builder()
        .chart(Chart.timeSeries("a", "A").series("v", t, v))
        .chart(Chart.timeSeries("b", "B").stepSeries("v", t, v))
        .build()
        .writeTo(html);
    HeadlessBrowser browser = HeadlessBrowser.locate();
    long dayFrom = START + 86_400;
    long dayTo = START + 2 * 86_400;

    // when
    HeadlessBrowser.Rendering whole = browser.render(html, dir.resolve("whole.png"));
    HeadlessBrowser.Rendering day =
        browser.render(html, "from=" + dayFrom + "&to=" + dayTo, dir.resolve("day.png"));

    // then
    assertThat(whole.chartAttribute("a", "data-view-from")).hasValue(Long.toString(START));
    assertThat(whole.chartAttribute("a", "data-view-to")).hasValue(Long.toString(t[n - 1]));
    for (String chart : new String[] {"a", "b"}) {
      assertThat(day.chartAttribute(chart, "data-view-from")).hasValue(Long.toString(dayFrom));
      assertThat(day.chartAttribute(chart, "data-view-to")).hasValue(Long.toString(dayTo));
    }
    assertThat(day.allChartsDrawn()).isTrue();
  }

  @Test
  void reportsNoChartDrawnWhenThePageHasNoChartScript() throws Exception {
    // given: a page that claims a chart but carries no script to draw it
    Path html = dir.resolve("broken.html");
    Files.writeString(
        html,
        "<!DOCTYPE html><html><body data-charts-expected=\"1\" data-charts-drawn=\"0\""
            + " data-points-drawn=\"0\"><p>no chart here</p></body></html>");

    // when
    HeadlessBrowser.Rendering rendering =
        HeadlessBrowser.locate().render(html, dir.resolve("broken.png"));

    // then
    assertThat(rendering.allChartsDrawn()).isFalse();
    assertThat(rendering.chartsDrawn()).isZero();
    assertThat(rendering.inkRatio()).isLessThan(0.01);
  }
}
