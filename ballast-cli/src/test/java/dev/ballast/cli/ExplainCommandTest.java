package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ballast explain} run in-process: the snapshot breakdown, and the cluster error paths. */
class ExplainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cl = BallastCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  private static String snapshot(String name) {
    return RecommendCommandTest.examples().resolve(name).toString();
  }

  @Test
  void explainsASnapshotExactlyAsRecommendExplainDoes() {
    // given
    String file = snapshot("cpu-scale-up.json");
    assertThat(run("recommend", "--snapshot", file, "--explain")).isZero();
    String recommended = out.toString();

    // when
    int code = run("explain", "--snapshot", file);

    // then
    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo(recommended).contains("Result: 3 → 6 replicas");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void explainsASnapshotAsJsonWithTheExplanationLines() throws Exception {
    // when
    int code = run("explain", "--snapshot", snapshot("cpu-scale-up.json"), "-o", "json");

    // then
    assertThat(code).isZero();
    JsonNode tree = JSON.readTree(out.toString());
    assertThat(tree.path("desiredReplicas").asInt()).isEqualTo(6);
    assertThat(tree.path("explanation").isArray()).isTrue();
    assertThat(tree.path("explanation").toString()).contains("Result: 3 → 6 replicas");
  }

  @Test
  void refusesADirectoryOfSnapshotsPointingToRecommend() {
    // when
    int code = run("explain", "--snapshot", RecommendCommandTest.examples().toString());

    // then
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .startsWith("ballast: --snapshot: explain takes one file")
        .contains("ballast recommend --snapshot DIR")
        .doesNotContain("Exception");
    assertThat(err.toString().lines()).hasSize(1);
  }

  @Test
  void needsExactlyOneOfSnapshotClusterFileAndAutoscaler() {
    assertThat(run("explain")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("give --snapshot FILE, -f FILE (a local cluster) or [-n NAMESPACE] NAME");
    assertThat(run("explain", "--snapshot", "a.json", "-f", "c.yaml")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("mutually exclusive");
    assertThat(run("explain", "-f", "c.yaml", "-n", "ns", "zk")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("-f: give one of --snapshot FILE, -f FILE or");
  }

  @Test
  void namesTheFieldOfABadPredictionSection() throws Exception {
    // given
    Path file = dir.resolve("zk.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: zk
        spec:
          replicas: 3
          maxReplicas: 5
          member:
            kind: zookeeper
          prediction:
            enabled: true
            season: 90s
        """);

    // when
    int code = run("explain", "-f", file.toString());

    // then
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .startsWith("ballast: zk.yaml: spec.prediction.season: must be a whole multiple")
        .doesNotContain("Exception");
  }

  @Test
  void saysAClusterThatWasNeverStartedIsNotUp() throws Exception {
    // given: a valid cluster file whose state directory is empty
    Path file = dir.resolve("zk.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: zk-explain
        spec:
          stateDir: state
          replicas: 3
          maxReplicas: 5
          member:
            kind: zookeeper
          metrics:
            - type: Pods
              pods:
                metric: {name: "rate(zk_packets_received)"}
                target: {type: AverageValue, averageValue: "500"}
          prediction:
            enabled: true
        """);

    // when
    int code = run("explain", "-f", file.toString(), "--rate-interval", "0s");

    // then: one line naming the fix, nothing written to the state directory
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString())
        .startsWith("ballast: cluster zk-explain is not up: it has no members")
        .contains("ballast up -f " + file);
    assertThat(dir.resolve("state").resolve("forecast.jsonl")).doesNotExist();
    assertThat(dir.resolve("state").resolve("history.jsonl")).doesNotExist();
  }

  @Test
  void documentsEveryOption() {
    // when
    int code = run("explain", "--help");

    // then
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("--snapshot=FILE")
        .contains("-f, --file=FILE")
        .contains("-o, --output=FORMAT")
        .contains("--rate-interval=DURATION")
        .contains("side by side");
  }
}
