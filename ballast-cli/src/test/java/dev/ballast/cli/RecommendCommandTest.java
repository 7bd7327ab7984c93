package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code ballast recommend} run in-process: outputs, directory mode, exit codes, bad input. */
class RecommendCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = BallastCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  /** The repository's examples/snapshots, found from the module directory. */
  static Path examples() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples/snapshots"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("examples/snapshots not found above the working directory");
    }
    return p.resolve("examples/snapshots");
  }

  @Test
  void printsAShortSummaryByDefault() {
    // when
    int code = run("recommend", "--snapshot", examples().resolve("cpu-scale-up.json").toString());

    // then
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("3 → 6 replicas (scale up")
        .contains("Resource cpu: 151% (average 756m) vs target 60% of requests → proposes 8")
        .contains("rule scaleUpLimit: 8 → 6");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void explainsEveryNumberOfTheDecision() {
    // when
    int code =
        run(
            "recommend",
            "--snapshot",
            examples().resolve("cpu-scale-up.json").toString(),
            "--explain");

    // then
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("= 100 × 2270m / 1500m = 151%")
        .contains("usage ratio = 151% / 60% target = 2.5167")
        .contains("proposal = ceil(2.5167 × 3 ready pods) = 8")
        .contains("ready   3: web-7d9c8-a1, web-7d9c8-b2, web-7d9c8-c3")
        .contains(
            "scaleUpLimit  8 → 6  without behavior a scale-up goes at most to max(2 × 3, 4) = 6")
        .contains("ScalingLimited  True   ScaleUpLimit");
  }

  @Test
  void explainsWhichPodsWereLeftOutAndWhy() {
    // when
    int code =
        run(
            "recommend",
            "--snapshot",
            examples().resolve("pods-not-ready.json").toString(),
            "--explain");

    // then
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("web-7d9c8-e5 (phase Pending)")
        .contains("web-7d9c8-d4 (cpu: within the initialization period")
        .contains("rebalance: 2 unready pods count as 0% (scale-up)")
        .contains("Result: 5 → 5 replicas (no change)");
  }

  @Test
  void writesTheSnapshotDocumentsJsonShape() throws Exception {
    // when
    int code =
        run(
            "recommend",
            "--snapshot",
            examples().resolve("cpu-scale-up.json").toString(),
            "-o",
            "json");

    // then
    assertThat(code).isZero();
    JsonNode json = JSON.readTree(out.toString());
    assertThat(json.get("currentReplicas").asInt()).isEqualTo(3);
    assertThat(json.get("desiredReplicas").asInt()).isEqualTo(6);
    JsonNode metric = json.get("metrics").get(0);
    assertThat(metric.get("type").asText()).isEqualTo("Resource");
    assertThat(metric.get("name").asText()).isEqualTo("cpu");
    assertThat(metric.get("proposedReplicas").asInt()).isEqualTo(8);
    assertThat(metric.get("current").get("averageUtilization").asInt()).isEqualTo(151);
    assertThat(metric.get("current").get("averageValue").asText()).isEqualTo("756m");
    assertThat(metric.get("pods").get("ready").asInt()).isEqualTo(3);
    assertThat(metric.get("error").isNull()).isTrue();
    assertThat(json.get("conditions").get(2).get("reason").asText()).isEqualTo("ScaleUpLimit");
    assertThat(json.get("history").get("recommendations")).hasSize(3);
  }

  /** An example snapshot and the replica count the HPA decides for it. */
  record Example(String file, int desired) {
    @Override
    public String toString() {
      return file + " → " + desired;
    }
  }

  static Stream<Example> examplesAndAnswers() {
    return Stream.of(
        new Example("cpu-scale-up.json", 6),
        new Example("external-queue.json", 8),
        new Example("memory-average-value.yaml", 5),
        new Example("pods-not-ready.json", 5),
        new Example("stabilized-scale-down.json", 6));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examplesAndAnswers")
  void decidesEachExampleAsTheHpaWould(Example e) throws Exception {
    // when
    int code =
        run("recommend", "--snapshot", examples().resolve(e.file()).toString(), "-o", "json");

    // then
    assertThat(code).isZero();
    assertThat(JSON.readTree(out.toString()).get("desiredReplicas").asInt()).isEqualTo(e.desired());
  }

  @Test
  void evaluatesADirectoryAsJsonLinesAndKeepsGoingPastABadFile() throws Exception {
    // given
    Files.copy(examples().resolve("cpu-scale-up.json"), dir.resolve("a-good.json"));
    Files.writeString(
        dir.resolve("b-bad.json"),
        "{\"now\": \"2026-01-01T12:00:00Z\", \"autoscaler\": {\"spec\": {\"maxReplicas\": 3}}}");
    Files.copy(examples().resolve("memory-average-value.yaml"), dir.resolve("c-good.yaml"));
    Files.writeString(dir.resolve("notes.txt"), "not a snapshot");

    // when
    int code = run("recommend", "--snapshot", dir.toString());

    // then
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(3);
    JsonNode first = JSON.readTree(lines.get(0));
    JsonNode bad = JSON.readTree(lines.get(1));
    JsonNode third = JSON.readTree(lines.get(2));
    assertThat(first.get("file").asText()).endsWith("a-good.json");
    assertThat(first.get("desiredReplicas").asInt()).isEqualTo(6);
    assertThat(bad.get("file").asText()).endsWith("b-bad.json");
    assertThat(bad.get("error").asText()).endsWith("snapshot.scale: required (an object)");
    assertThat(third.get("desiredReplicas").asInt()).isEqualTo(5);
  }

  @Test
  void exitsZeroForADirectoryOfGoodSnapshots() throws Exception {
    // given
    Files.copy(examples().resolve("external-queue.json"), dir.resolve("q.json"));

    // when
    int code = run("recommend", "--snapshot", dir.toString());

    // then
    assertThat(code).isZero();
    assertThat(out.toString().lines().count()).isEqualTo(1);
  }

  /** A bad snapshot and the field its one error line must name. */
  record Bad(String name, String content, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> badSnapshots() {
    String base =
        "{\"now\":\"2026-01-01T12:00:00Z\",\"scale\":{\"spec\":{\"replicas\":%s}},"
            + "\"autoscaler\":{\"spec\":{\"maxReplicas\":5,\"metrics\":[%s]}}}";
    String cpu =
        "{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":%s}}}";
    return Stream.of(
        new Bad("not JSON", "{ this is not json", "snapshot: not valid JSON at line 1"),
        new Bad(
            "negative replicas",
            base.formatted("-3", cpu.formatted("50")),
            "snapshot.scale.spec.replicas: must be a whole number >= 0"),
        new Bad(
            "unknown metric type",
            base.formatted("3", "{\"type\":\"Prometheus\"}"),
            "snapshot.autoscaler.spec.metrics[0].type: unknown metric type \"Prometheus\""),
        new Bad(
            "zero utilization target",
            base.formatted("3", cpu.formatted("0")),
            "snapshot.autoscaler.spec.metrics[0].resource.target: averageUtilization must be a"
                + " positive integer"),
        new Bad(
            "unparseable timestamp",
            "{\"now\":\"noon\",\"scale\":{\"spec\":{\"replicas\":1}},\"autoscaler\":{\"spec\":{\"maxReplicas\":5}}}",
            "snapshot.now: \"noon\" is not an RFC 3339 time"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSnapshots")
  void rejectsABadSnapshotWithOneLineNamingTheField(Bad b) throws Exception {
    // given
    Path file = dir.resolve("bad.json");
    Files.writeString(file, b.content());

    // when
    int code = run("recommend", "--snapshot", file.toString());

    // then
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines().toList()).hasSize(1);
    assertThat(err.toString())
        .contains(b.expected())
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void rejectsAMissingFile() {
    // when
    int code = run("recommend", "--snapshot", dir.resolve("nope.json").toString());

    // then
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--snapshot: no such file or directory");
  }

  @Test
  void rejectsAnUnknownOutputFormat() {
    // when
    int code =
        run(
            "recommend",
            "--snapshot",
            examples().resolve("cpu-scale-up.json").toString(),
            "-o",
            "xml");

    // then
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("xml");
  }

  @Test
  void documentsItsOptionsInHelp() {
    // when
    int code = run("recommend", "--help");

    // then
    assertThat(code).isZero();
    assertThat(out.toString()).contains("--snapshot=FILE|DIR").contains("--explain").contains("-o");
    assertThat(out.toString())
        .contains("--target-percentile=P")
        .contains("--lower-percentile=P")
        .contains("--upper-percentile=P")
        .contains("--safety-margin=M")
        .contains("--min-cpu=QUANTITY")
        .contains("--min-memory=QUANTITY")
        .contains("--half-life=DURATION");
  }

  @Test
  void refusesAVerticalFlagWithoutVertical() {
    // when
    int code =
        run(
            "recommend",
            "--snapshot",
            examples().resolve("cpu-scale-up.json").toString(),
            "--safety-margin",
            "0.3");

    // then
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--safety-margin").contains("only with --vertical");
  }

  @Test
  void addsTheExplanationLinesToJsonWhenAskedForBoth() throws Exception {
    // when
    int code =
        run(
            "recommend",
            "--snapshot",
            examples().resolve("stabilized-scale-down.json").toString(),
            "-o",
            "json",
            "--explain");

    // then
    assertThat(code).isZero();
    JsonNode json = JSON.readTree(out.toString());
    assertThat(json.get("desiredReplicas").asInt()).isEqualTo(6);
    assertThat(json.get("explanation").toString()).contains("scaleDownStabilization  3 → 6");
  }
}
