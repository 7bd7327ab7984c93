package dev.ballast.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  private static final String HOSTILE = "<script>alert('x')</script> & \"quoted\"";

  @TempDir Path dir;

  @Test
  void escapesEveryTextItPlacesInThePage() {
    // given
    HtmlReport report =
        HtmlReport.builder()
            .title(HOSTILE)
            .heading(HOSTILE)
            .paragraph(HOSTILE)
            .preformatted(HOSTILE)
            .table(
                Table.withHeaders(HOSTILE)
                    .caption(HOSTILE)
                    .row(HOSTILE)
                    .row(Table.cell(HOSTILE, "bad")))
            .build();

    // when
    String html = report.html();

    // then
    assertThat(html).doesNotContain("<script>alert");
    assertThat(html)
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;");
    assertThat(html).contains("<td class=\"bad\">&lt;script&gt;");
  }

  @Test
  void keepsChartLabelsFromEndingTheirScriptElement() {
    // given
    Chart chart =
        Chart.timeSeries("c", HOSTILE)
            .yLabel(HOSTILE)
            .series("</script><b>", new long[] {1, 2}, new double[] {1, 2})
            .marker(1, "</SCRIPT>")
            .span(1, 2, HOSTILE);

    // when
    String html = HtmlReport.builder().chart(chart).build().html();

    // then: the only closing script tags are those of the spec and of the two inline scripts
    assertThat(count(html, "</script>") + count(html, "</SCRIPT>")).isEqualTo(3);
    assertThat(html).contains("\\u003c/script\\u003e\\u003cb\\u003e");
  }

  @Test
  void needsNothingFromTheNetwork() {
    // given
    HtmlReport report =
        HtmlReport.builder()
            .chart(Chart.timeSeries("a", "A").series("x", new long[] {1}, new double[] {1}))
            .build();

    // when
    String html = report.html();

    // then
    assertThat(html).doesNotContainPattern("(?i)<link\\b");
    assertThat(html).doesNotContainPattern("(?i)\\bsrc\\s*=");
    assertThat(html).doesNotContainPattern("(?i)@import");
    assertThat(html).doesNotContainPattern("(?i)url\\(\\s*['\"]?https?:");
    assertThat(html).contains("uPlot " + HtmlReport.UPLOT_VERSION);
    assertThat(report.chartCount()).isEqualTo(1);
  }

  @Test
  void leavesScriptsOutOfAPageWithoutCharts() {
    // when
    HtmlReport report = HtmlReport.builder().title("t").paragraph("p").build();

    // then
    assertThat(report.html()).doesNotContain("<script");
    assertThat(report.html()).contains("data-charts-expected=\"0\"");
  }

  @Test
  void writesSeriesValuesWithGapsAsNullAndSharedTimesOnce() {
    // given
    long[] t = {100, 160, 220};
    Chart chart =
        Chart.timeSeries("load", "Load")
            .series("a", t, new double[] {1.5, Double.NaN, 3})
            .stepSeries("b", t, new double[] {3, 3, 5})
            .series("c", new long[] {130}, new double[] {0.1234567});

    // when
    String html = HtmlReport.builder().chart(chart).build().html();

    // then
    assertThat(html)
        .contains("\"tables\":[[[100,160,220],[1.5,null,3],[3,3,5]],[[130],[0.123457]]]");
    assertThat(html).contains("\"columns\":[1,2,3]");
    assertThat(html).contains("\"points\":6");
    assertThat(html).contains("{\"name\":\"b\",\"step\":true,\"color\":null}");
  }

  @Test
  void copiesAChartSoLaterChangesDoNotLeakIntoTheReport() {
    // given
    Chart chart = Chart.timeSeries("c", "C").series("a", new long[] {1}, new double[] {1});
    HtmlReport.Builder builder = HtmlReport.builder().chart(chart);

    // when
    chart.series("late", new long[] {2}, new double[] {2});

    // then
    assertThat(builder.build().html()).doesNotContain("\"late\"");
  }

  @Test
  void refusesTwoChartsWithTheSameId() {
    // given
    Chart chart = Chart.timeSeries("same", "A");
    HtmlReport.Builder builder = HtmlReport.builder().chart(chart).chart(chart);

    // when / then
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'same'");
  }

  @Test
  void writesTheFileReadableByOthersAndCreatesItsDirectory() throws Exception {
    // given
    Path file = dir.resolve("nested/out/report.html");
    HtmlReport report = HtmlReport.builder().title("written").build();

    // when
    report.writeTo(file);
    report.writeTo(file);

    // then
    assertThat(Files.readString(file)).isEqualTo(report.html());
    assertThat(Files.getPosixFilePermissions(file)).contains(PosixFilePermission.OTHERS_READ);
    try (var listing = Files.list(file.getParent())) {
      assertThat(listing).containsExactly(file);
    }
  }

  @Test
  void recordsTheTimeZoneTheChartsUse() {
    // when
    String html = HtmlReport.builder().timeZone(java.time.ZoneId.of("Europe/Paris")).build().html();

    // then
    assertThat(html).contains("data-time-zone=\"Europe/Paris\"");
  }

  private static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
