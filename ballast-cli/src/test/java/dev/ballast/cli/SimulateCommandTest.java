package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = BallastCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  /** Two days of a daily sine at 1-minute resolution, in requests per minute. */
  private Path sineTrace() throws Exception {
    StringBuilder b = new StringBuilder("timestamp_seconds,value\n");
    for (int i = 0; i < 2 * 1440; i++) {
      double v = 500 + 400 * Math.sin(2 * Math.PI * i / 1440);
      b.append(1_700_000_000L + 60L * i).append(',').append(Math.round(v)).append('\n');
    }
    return write("trace.csv", b.toString());
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private Path policy() throws Exception {
    return write(
        "p.yaml",
        """
        name: mine
        maxReplicas: 30
        target: {metric: cpu, averageUtilization: 70}
        workload: {capacityPerMember: 100, joinTime: 2m}
        """);
  }

  @Test
  void writesTheSummaryJsonWithThePolicyAndBothBaselines() throws Exception {
    // given
    Path trace = sineTrace();
    Path json = dir.resolve("out/summary.json");

    // when
    int code =
        run(
            "simulate",
            "--trace",
            trace.toString(),
            "--policy",
            policy().toString(),
            "--compare",
            "hpa",
            "--summary-json",
            json.toString());

    // then
    assertThat(code).as(err.toString()).isZero();
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("trace").asText()).isEqualTo("trace");
    List<String> names = new ArrayList<>();
    root.get("policies").forEach(p -> names.add(p.get("name").asText()));
    assertThat(names).containsExactly("mine", "hpa", "fixed");
    JsonNode fixed = root.get("policies").get(2);
    // peak 900 at 70 % of 100 per member: ceil(12.86) = 13 members for 48 h
    assertThat(fixed.get("peakReplicas").asInt()).isEqualTo(13);
    assertThat(fixed.get("replicaHours").asDouble()).isEqualTo(13 * 48.0);
    for (JsonNode p : root.get("policies")) {
      assertThat(p.fieldNames())
          .toIterable()
          .containsExactly(
              "name",
              "minutesOverCapacity",
              "minutesAboveTarget",
              "replicaHours",
              "operations",
              "directionChanges",
              "peakReplicas");
    }
    assertThat(out.toString()).contains("mine", "hpa", "fixed", "replica-hours");
  }

  @Test
  void sameInputGivesTheSameOutput() throws Exception {
    Path trace = sineTrace();
    Path p = policy();
    run("simulate", "--trace", trace.toString(), "--policy", p.toString(), "--summary-json", "-");
    String first = out.toString();
    out.getBuffer().setLength(0);
    run("simulate", "--trace", trace.toString(), "--policy", p.toString(), "--summary-json", "-");
    assertThat(out.toString()).isEqualTo(first).contains("\"operations\"");
  }

  @Test
  void aBadTraceLineExitsWithUsageNamingTheLine() throws Exception {
    Path trace = write("bad.csv", "timestamp_seconds,value\n0,1\n60,abc\n");
    int code = run("simulate", "--trace", trace.toString(), "--policy", policy().toString());
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("bad.csv:3: value 'abc' is not a number");
    assertThat(err.toString()).doesNotContain("Exception", "\tat ");
  }

  @Test
  void aBadPolicyFieldExitsWithUsageNamingTheFieldPath() throws Exception {
    Path trace = sineTrace();
    Path bad =
        write(
            "bad.yaml",
            "maxReplicas: 5\ntarget: {metric: cpu, averageUtilization: 170}\n"
                + "behavior: {scaleUp: {selectPolicy: Biggest}}\n");
    int code = run("simulate", "--trace", trace.toString(), "--policy", bad.toString());
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("target.averageUtilization: must be a percent in 1..100, was 170")
        .contains("behavior.scaleUp.selectPolicy: must be Max, Min or Disabled");
  }

  @Test
  void anUnknownBaselineIsAUsageError() throws Exception {
    int code =
        run(
            "simulate",
            "--trace",
            sineTrace().toString(),
            "--policy",
            policy().toString(),
            "--compare",
            "vpa");
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--compare: unknown baseline 'vpa'");
  }
}
