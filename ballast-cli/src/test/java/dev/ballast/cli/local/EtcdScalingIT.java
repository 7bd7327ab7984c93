package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.k8s.testkit.etcd.EtcdContinuousWriter;
import dev.ballast.local.ClusterStatus;
import dev.ballast.members.etcd.EtcdServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real etcd 3.6 cluster through the CLI: {@code ballast up}, {@code scale 3 → 5 → 3} under
 * continuous writes, then {@code ballast scale} killed (status 137, as SIGKILL) at the boundaries
 * that matter to etcd (a learner added but not started, started but not promoted; a member removed
 * but still running) and {@code ballast resume}. At the end every acknowledged write is read back
 * and etcd's own {@code etcdctl endpoint health} passes on every member.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdScalingIT {
  @TempDir static Path dir;
  private LocalZooKeeperCluster cluster;
  private EtcdContinuousWriter writer;

  @BeforeAll
  void up() {
    cluster =
        LocalZooKeeperCluster.etcd(
            dir,
            "etcd-scale",
            """
            minReplicas: 3
            maxReplicas: 5
            timeouts:
              default: 60s
            """);
    BallastCli.Result up = BallastCli.run("up", "-f", cluster.path());
    assertThat(up.exitCode()).as(up.toString()).isZero();
    cluster.assertAt(3);
    writer = new EtcdContinuousWriter(cluster.baseEndpoints(), "/load/");
  }

  @AfterAll
  void down() throws Exception {
    try {
      if (writer != null) {
        assertThat(writer.lostWrites()).as("acknowledged writes lost").isEmpty();
        assertThat(writer.acknowledgedCount()).isGreaterThan(50);
        writer.close();
      }
      if (cluster != null) {
        assertEndpointHealthOnEveryMember(cluster.status());
      }
    } finally {
      if (cluster != null) {
        cluster.close();
        assertThat(cluster.processes()).as("processes left behind").isEmpty();
      }
    }
  }

  @Test
  @Order(1)
  void scalesThreeToFiveToThreeUnderWritesThroughLearnerPromoteAndMemberRemove() throws Exception {
    // given
    int historyBefore = cluster.history().size();

    // when
    BallastCli.Result grow = BallastCli.run("scale", "-f", cluster.path(), "--replicas", "5");
    cluster.assertAt(5);
    assertEndpointHealthOnEveryMember(cluster.status());
    BallastCli.Result shrink = BallastCli.run("scale", "-f", cluster.path(), "--replicas", "3");

    // then: one line per stage, and no fill stage for a system whose members hold all the data
    assertThat(grow.exitCode()).as(grow.toString()).isZero();
    assertThat(grow.out())
        .contains(
            "add member 3 (3→4): ANNOUNCE ok",
            "add member 3 (3→4): JOIN ok",
            "add member 4 (4→5): VERIFY ok",
            "scaled up from 3 to 5 members")
        .doesNotContain("REBALANCE");
    assertThat(shrink.exitCode()).as(shrink.toString()).isZero();
    assertThat(shrink.out())
        .contains("remove member 4 (5→4): LEAVE ok", "remove member 3 (4→3): CLEANUP ok");
    cluster.assertAt(3);
    assertEndpointHealthOnEveryMember(cluster.status());
    List<HistoryRecord> records =
        cluster.history().subList(historyBefore, cluster.history().size());
    LocalScalingIT.assertOneRemovalAtATime(records);
    assertThat(records)
        .filteredOn(r -> r.kind() == RecordKind.OPERATION)
        .extracting(HistoryRecord::outcome)
        .containsExactly(Outcome.SUCCEEDED, Outcome.SUCCEEDED);
    // a removed member's data directory is gone: it can never restart with it
    assertThat(cluster.file.resolveSibling("etcd-scale-state").resolve("members").resolve("4"))
        .doesNotExist();
  }

  static Stream<KillBoundary> boundaries() {
    return Stream.of(
        new KillBoundary(
            "add 3→4, killed after the learner was added, before START", 3, 4, "0:START"),
        new KillBoundary("remove 4→3, killed before LEAVE", 4, 3, "0:LEAVE"),
        new KillBoundary("add 3→4, killed with the learner running, before JOIN", 3, 4, "0:JOIN"),
        new KillBoundary("remove 4→3, killed after member remove, before STOP", 4, 3, "0:STOP"),
        new KillBoundary("add 3→4, killed after the promotion, before VERIFY", 3, 4, "0:VERIFY"),
        new KillBoundary("remove 4→3, killed after the stop, before CLEANUP", 4, 3, "0:CLEANUP"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("boundaries")
  @Order(2)
  void resumesAfterAKillMidStep(KillBoundary boundary) throws Exception {
    boundary.killThenResume(cluster);
  }

  /** etcd's own check: {@code etcdctl endpoint health} on every member answers healthy. */
  private static void assertEndpointHealthOnEveryMember(ClusterStatus status) throws Exception {
    List<String> endpoints =
        status.members().stream().map(m -> "http://" + m.host() + ":" + m.clientPort()).toList();
    Path etcdctl =
        EtcdServerConfig.defaultBinary(System.getenv(), System.getProperty("user.home"))
            .resolveSibling("etcdctl");
    assertThat(etcdctl)
        .as("etcdctl (built by scripts/install-test-tools)")
        .satisfies(p -> assertThat(Files.isExecutable(p)).isTrue());
    List<String> cmd = new ArrayList<>(List.of(etcdctl.toString(), "endpoint", "health"));
    cmd.add("--endpoints=" + String.join(",", endpoints));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = read(p);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.lines().filter(l -> l.contains(" is healthy")).count())
        .as(out)
        .isEqualTo(endpoints.size());
  }

  private static String read(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
