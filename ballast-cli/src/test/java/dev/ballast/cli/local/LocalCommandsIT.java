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
                + " sizeByNodes, stateDir, syncPeriod, timeouts, verticalAdvice]");
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

  @Test
  void purgeRefusesAStateDirectoryHoldingOtherFilesAndDeletesNothing() throws Exception {
    // given: stateDir '.' beside the cluster file and a project's file
    file = dir.resolve("here.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: here
        spec:
          stateDir: .
          replicas: 1
          maxReplicas: 1
          member:
            kind: command
            command: [sleep, "600"]
            ports: [client]
          membership:
            type: none
        """);
    Files.writeString(dir.resolve("notes.txt"), "keep me");
    String f = file.toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();

    // when
    BallastCli.Result purge = BallastCli.run("down", "-f", f, "--purge");

    // then: refused with what it found, nothing deleted
    assertThat(purge.exitCode()).as(purge.toString()).isEqualTo(3);
    assertThat(purge.err().strip())
        .startsWith("ballast: refusing to purge")
        .contains("here.yaml, notes.txt")
        .contains("nothing was deleted")
        .doesNotContain("Exception");
    assertThat(dir.resolve("notes.txt")).hasContent("keep me");
    assertThat(file).exists();
    assertThat(dir.resolve("members.json")).exists();

    // and a plain down still stops the member
    assertThat(BallastCli.run("down", "-f", f).exitCode()).isZero();
  }

  @Test
  void purgeDeletesAStateDirectoryBallastCreated() throws Exception {
    // given
    String f = cluster("").toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();
    assertThat(dir.resolve("state").resolve(".ballast-state")).exists();

    // when
    BallastCli.Result purge = BallastCli.run("down", "-f", f, "--purge");

    // then
    assertThat(purge.exitCode()).as(purge.toString()).isZero();
    assertThat(dir.resolve("state")).doesNotExist();
    assertThat(file).exists();
  }

  /** A state file cut short, and what the commands must say about it. */
  record Corruption(
      String name, String stateFile, String content, String named, String wayOut, int byMarker) {
    @Override
    public String toString() {
      return name;
    }
  }

  static java.util.stream.Stream<Corruption> corruptions() {
    return java.util.stream.Stream.of(
        new Corruption(
            "truncated journal",
            "operation.json",
            "{\"id\": \"op-1\", \"trig",
            "the operation journal ",
            "move the file aside",
            0),
        new Corruption(
            "truncated member table",
            "members.json",
            "[{\"ordinal\": 0, \"ho",
            "the member table ",
            "'ballast down' still stops the members",
            3));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("corruptions")
  void aCorruptStateFileGivesOneClearLineAndDownStillStopsTheMembers(Corruption c)
      throws Exception {
    // given: a running cluster whose state file was cut short
    String f = cluster("").toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();
    Path broken = dir.resolve("state").resolve(c.stateFile());
    Files.writeString(broken, c.content());

    // when
    BallastCli.Result scale = BallastCli.run("scale", "-f", f, "--replicas", "4");
    BallastCli.Result status = BallastCli.run("status", "-f", f);
    BallastCli.Result down = BallastCli.run("down", "-f", f);

    // then: one line naming the file and the way out, status shows what it knows, down stops
    // the members (by their process marker when the table cannot be read)
    assertThat(scale.exitCode()).as(scale.toString()).isEqualTo(3);
    assertThat(scale.err().strip().lines()).hasSize(1);
    assertThat(scale.err())
        .contains(c.named() + broken.toRealPath())
        .contains(c.wayOut())
        .doesNotContain("unexpected error")
        .doesNotContain("Exception");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out()).contains("problem: " + c.named());
    assertThat(status.out().lines().filter(l -> l.endsWith("found by its process marker only")))
        .hasSize(c.byMarker());
    assertThat(down.exitCode()).as(down.toString()).isZero();
    assertThat(down.out()).contains("stopped members [0, 1, 2]");
    assertNoProcessLeft();
  }

  @Test
  void aLostMemberTableWhileMembersRunIsRefusedInsteadOfReusingTheirProcesses() throws Exception {
    // given: the member table emptied while 3 members run
    String f = cluster("").toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();
    Files.writeString(dir.resolve("state").resolve("members.json"), "[]");

    // when
    BallastCli.Result status = BallastCli.run("status", "-f", f);
    BallastCli.Result up =
        BallastCli.run(java.util.List.of(), java.time.Duration.ofSeconds(60), "up", "-f", f);
    BallastCli.Result scale = BallastCli.run("scale", "-f", f, "--replicas", "4");

    // then: status names the running members, up and scale refuse at once naming them
    assertThat(status.out()).contains("processes of this cluster run that the member table");
    assertThat(status.out().lines().filter(l -> l.endsWith("found by its process marker only")))
        .hasSize(3);
    assertThat(up.exitCode()).as(up.toString()).isEqualTo(3);
    assertThat(up.err()).contains("member 0 pid").contains("stop them with 'ballast down'");
    assertThat(scale.exitCode()).as(scale.toString()).isEqualTo(3);

    // when: down stops them, then up starts a fresh cluster
    assertThat(BallastCli.run("down", "-f", f).exitCode()).isZero();
    assertNoProcessLeft();
    BallastCli.Result fresh = BallastCli.run("up", "-f", f);

    // then
    assertThat(fresh.exitCode()).as(fresh.toString()).isZero();
  }

  @Test
  void aDeletedStateDirectoryWhileMembersRunIsRefusedToo() throws Exception {
    // given
    String f = cluster("").toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();
    Path state = dir.resolve("state");
    try (var walk = Files.walk(state)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }

    // when
    BallastCli.Result up =
        BallastCli.run(java.util.List.of(), java.time.Duration.ofSeconds(60), "up", "-f", f);

    // then
    assertThat(up.exitCode()).as(up.toString()).isEqualTo(3);
    assertThat(up.err()).contains("processes of this cluster run");
    assertThat(BallastCli.run("down", "-f", f).exitCode()).isZero();
    assertNoProcessLeft();
  }

  private void assertNoProcessLeft() throws Exception {
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
      assertThat(w.runtime().clusterProcesses()).as("processes left behind").isEmpty();
    }
  }
}
