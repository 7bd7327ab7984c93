package dev.ballast.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.report.testing.HeadlessBrowser;
import dev.ballast.report.testing.SelfContained;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationReportIT {
  @TempDir Path dir;

  /** Three days of a daily sine at 1-minute resolution. */
  private static Trace sine() {
    int n = 3 * 1440;
    long[] t = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = 1_700_000_000L + 60L * i;
      v[i] = 500 + 400 * Math.sin(2 * Math.PI * i / 1440);
    }
    return new Trace("sine", t, v);
  }

  @Test
  void reportDrawsBothChartsAndTheScoreTableInHeadlessChromium() throws Exception {
    // given: a comparison of a predictive policy with both baselines
    SimPolicy p =
        PolicyReader.parsePolicy(
            "p.yaml",
            "p",
            "name: predictive\nmaxReplicas: 30\ntarget: {metric: cpu, averageUtilization: 70}\n"
                + "prediction: {enabled: true}\n");
    Comparison c = Comparison.run(sine(), List.of(p), WorkloadModel.defaults(), true);
    Path html = dir.resolve("report.html");
    SimulationReport.of(c).writeTo(html);

    // when
    HeadlessBrowser.Rendering r = HeadlessBrowser.locate().render(html, dir.resolve("report.png"));

    // then: both charts drew every policy's series, the page is not blank, and the table is there
    assertThat(r.scriptError()).isEmpty();
    assertThat(r.chartsExpected()).isEqualTo(2);
    assertThat(r.allChartsDrawn()).isTrue();
    assertThat(r.pointsDrawn()).isGreaterThan(4L * 3 * 1440);
    assertThat(r.inkRatio()).isGreaterThan(0.02);
    assertThat(Files.size(r.screenshot())).isPositive();
    assertThat(SelfContained.externalReferences(Files.readString(html))).isEmpty();
    assertThat(r.dom()).contains("predictive", "hpa", "fixed", "replica-hours");
  }
}
