package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands' contract (exit codes, refusals, JSON shapes) on a cheap cluster of {@code sleep}
 * processes with the {@code none} membership.
 */
class LocalCommandsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private Path file;

  private Path cluster(String extra) throws Exception {
    file = dir.resolve("sleepers.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: sleepers
        spec:
          stateDir: state
          replicas: 3
          minReplicas: 1
          maxReplicas: 5
          member:
            kind: command
            command: [sleep, "600"]
            ports: [client]
          membership:
            type: none
        %s
        """
            .formatted(extra.indent(2)));
    return file;
  }

  @AfterEach
  void down() throws Exception {
    if (file != null && Files.exists(file)) {
      BallastCli.run("down", "-f", file.toString(), "--purge");
      try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
        assertThat(w.runtime().clusterProcesses()).as("processes left behind").isEmpty();
      }
    }
  }

  @Test
  void upStatusAndHistoryPrintTheDocumentedJson() throws Exception {
    // given
    String f = cluster("").toString();

    // when
    BallastCli.Result up = BallastCli.run("up", "-f", f);
    BallastCli.Result status = BallastCli.run("status", "-f", f, "-o", "json");
    BallastCli.Result scale = BallastCli.run("scale", "-f", f, "--replicas", "4");
    BallastCli.Result history = BallastCli.run("history", "-f", f, "-o", "json");

    // then
    assertThat(up.exitCode()).as(up.toString()).isZero();
    assertThat(up.out()).contains("started member 2", "cluster sleepers: 3 replicas, healthy");
    JsonNode s = JSON.readTree(status.out());
    assertThat(s.get("replicas").asInt()).isEqualTo(3);
    assertThat(s.get("operation").isNull()).isTrue();
    assertThat(s.get("members")).hasSize(3);
    for (JsonNode m : s.get("members")) {
      assertThat(m.has("ordinal") && m.has("clientPort") && m.has("role") && m.has("healthy"))
          .as(m.toString())
          .isTrue();
      assertThat(m.get("healthy").asBoolean()).isTrue();
    }
    assertThat(scale.exitCode()).as(scale.toString()).isZero();
    assertThat(scale.out()).contains("add member 3 (3→4): START ok", "scaled up from 3 to 4");
    JsonNode h = JSON.readTree(history.out());
    assertThat(h.isArray()).isTrue();
    JsonNode end = h.get(h.size() - 1);
    assertThat(end.get("kind").asText()).isEqualTo("OPERATION");
    assertThat(end.get("trigger").asText()).isEqualTo("MANUAL");
    assertThat(end.get("from").asInt()).isEqualTo(3);
    assertThat(end.get("to").asInt()).isEqualTo(4);
    assertThat(end.get("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(end.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(end.get("message").asText()).isNotEmpty();
  }

  @Test
  void aDisabledShrinkIsRefusedWithExitCode3() throws Exception {
    // given
    String f = cluster("scaleDown:\n  policy: Disabled").toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();

    // when
    BallastCli.Result r = BallastCli.run("scale", "-f", f, "--replicas", "2");

    // then
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("shrinking is disabled").doesNotContain("Exception");
    assertThat(
            JSON.readTree(BallastCli.run("status", "-f", f, "-o", "json").out())
                .get("replicas")
                .asInt())
        .isEqualTo(3);
  }

  @Test
  void aSizeOutsideTheAllowedSizesIsRefusedNamingThem() throws Exception {
    // given
    String f = cluster("allowedReplicas: [1, 3, 5]").toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();

    // when
    BallastCli.Result r = BallastCli.run("scale", "-f", f, "--replicas", "4");

    // then
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("4 is not an allowed size; allowed sizes are 1, 3, 5");
  }

  @Test
  void aSecondBallastIsRefusedWhileOneOperatesTheCluster() throws Exception {
    // given
    Path f = cluster("");
    try (LocalWiring held = LocalWiring.exclusive(ClusterFile.load(f), Clock.systemUTC())) {
      // when
      BallastCli.Result r = BallastCli.run("up", "-f", f.toString());

      // then
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
      assertThat(r.err())
          .contains(
              "another ballast process (pid "
                  + ProcessHandle.current().pid()
                  + ") is operating"
                  + " this cluster");
    }
  }

  @Test
  void aBadClusterFileExitsWith2NamingEveryField() throws Exception {
    // given
    Path f = dir.resolve("bad.yaml");
    Files.writeString(
        f,
        """
        metadata:
          name: bad
        spec:
          replicas: 3
          maxReplicas: 7
          allowedReplicas: [3, five]
          member:
            kind: zookeeper
          scaleDwn:
            policy: Disabled
        """);

    // when
    BallastCli.Result r = BallastCli.run("up", "-f", f.toString());

    // then
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines())
        .contains(
            "ballast: bad.yaml: spec.allowedReplicas[1]: must be a positive integer",
            "ballast: bad.yaml: spec.scaleDwn: unknown field; expected one of [allowedReplicas,"
                + " behavior, maxReplicas, member, membership, metrics, minReplicas, nodes,"
                + " onMetricFailure, peers, placement, prediction, replicas, scaleDown,"
                + " sizeByNodes, stateDir, syncPeriod, timeouts]");
    assertThat(r.err()).doesNotContain("Exception");
    assertThat(dir.resolve(".ballast")).doesNotExist();
  }

  @Test
  void aClusterStoppedInTheMiddleOfARemovalComesBackAndResumes() throws Exception {
    // given: ballast killed when removing member 2 was about to stop it, then the cluster downed
    String f = cluster("").toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();
    BallastCli.Result killed =
        BallastCli.run(
            java.util.List.of("-Dballast.test.haltAfter=0:STOP"),
            java.time.Duration.ofMinutes(2),
            "scale",
            "-f",
            f,
            "--replicas",
            "2");
    assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(137);
    BallastCli.Result down = BallastCli.run("down", "-f", f);
    assertThat(down.out()).contains("stays in the journal");

    // when
    BallastCli.Result up = BallastCli.run("up", "-f", f);
    JsonNode between = JSON.readTree(BallastCli.run("status", "-f", f, "-o", "json").out());
    BallastCli.Result resumed = BallastCli.run("resume", "-f", f);

    // then: up starts only the members that stay, resume finishes the removal
    assertThat(up.exitCode()).as(up.toString()).isZero();
    assertThat(up.out()).contains("is in flight: starting members [0, 1]");
    assertThat(between.get("members").get(2).get("running").asBoolean()).isFalse();
    assertThat(between.get("operation").get("stage").asText()).isEqualTo("STOP");
    assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
    JsonNode after = JSON.readTree(BallastCli.run("status", "-f", f, "-o", "json").out());
    assertThat(after.get("replicas").asInt()).isEqualTo(2);
    assertThat(after.get("members")).hasSize(2);
    assertThat(after.get("operation").isNull()).isTrue();
  }

  @Test
  void resumeWithNothingInFlightSaysSo() throws Exception {
    // given
    String f = cluster("").toString();

    // when
    BallastCli.Result r = BallastCli.run("resume", "-f", f);

    // then
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("nothing to resume");
  }
}
