package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.local.ClusterStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * A real Redis Cluster (7.0, masters only) through the CLI: {@code ballast up} (3 masters, slots
 * spread), {@code scale 3 → 5 → 3} under continuous writes through a cluster-aware client, then
 * {@code ballast scale} killed (status 137, as SIGKILL) in the middle of a rebalance and of a
 * drain, and {@code ballast resume}. At the end every acknowledged write is read back and every
 * node reports {@code cluster_state:ok} ({@code redis-cli cluster info}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisScalingIT {
  @TempDir static Path dir;
  private LocalZooKeeperCluster cluster;
  private RedisContinuousWriter writer;

  @BeforeAll
  void up() {
    cluster =
        LocalZooKeeperCluster.redis(
            dir,
            "redis-scale",
            """
            minReplicas: 3
            maxReplicas: 5
            timeouts:
              default: 60s
            """);
    BallastCli.Result up = BallastCli.run("up", "-f", cluster.path());
    assertThat(up.exitCode()).as(up.toString()).isZero();
    cluster.assertAt(3);
    writer =
        new RedisContinuousWriter(
            cluster.status().members().stream().map(m -> m.host() + ":" + m.clientPort()).toList(),
            "load:");
  }

  @AfterAll
  void down() throws Exception {
    try {
      if (writer != null) {
        writer.assertNoLostWrites();
        assertThat(writer.acknowledgedCount()).isGreaterThan(500);
        writer.close();
      }
      if (cluster != null) {
        assertClusterStateOkOnEveryNode(cluster.status());
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
  void scalesThreeToFiveToThreeUnderWritesMovingSlotsOnAndOff() throws Exception {
    // given
    int historyBefore = cluster.history().size();

    // when
    BallastCli.Result grow = BallastCli.run("scale", "-f", cluster.path(), "--replicas", "5");
    assertThat(grow.exitCode()).as(grow.toString()).isZero();
    cluster.assertAt(5);
    assertClusterStateOkOnEveryNode(cluster.status());
    BallastCli.Result shrink = BallastCli.run("scale", "-f", cluster.path(), "--replicas", "3");

    // then: the new masters were filled, the leaving ones drained, each forgotten then stopped
    assertThat(grow.out())
        .contains(
            "add member 3 (3→4): JOIN ok",
            "add member 3 (3→4): REBALANCED ok",
            "add member 4 (4→5): VERIFY ok",
            "scaled up from 3 to 5 members");
    assertThat(shrink.exitCode()).as(shrink.toString()).isZero();
    assertThat(shrink.out())
        .contains(
            "remove member 4 (5→4): DRAINED ok",
            "remove member 4 (5→4): LEAVE ok",
            "remove member 3 (4→3): CLEANUP ok");
    cluster.assertAt(3);
    assertClusterStateOkOnEveryNode(cluster.status());
    List<HistoryRecord> records =
        cluster.history().subList(historyBefore, cluster.history().size());
    assertThat(records)
        .filteredOn(r -> r.kind() == RecordKind.OPERATION)
        .extracting(HistoryRecord::outcome)
        .containsExactly(Outcome.SUCCEEDED, Outcome.SUCCEEDED);
  }

  static Stream<KillBoundary> boundaries() {
    return Stream.of(
        new KillBoundary("add 3→4, killed in the middle of the fill", 3, 4, "0:REBALANCED"),
        new KillBoundary("remove 4→3, killed in the middle of the drain", 4, 3, "0:DRAINED"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("boundaries")
  @Order(2)
  void resumesARebalanceAndADrainKilledInTheMiddle(KillBoundary boundary) throws Exception {
    boundary.killThenResume(cluster, this::assertHealthyAt);
  }

  /** At {@code n} members by Ballast's status, with {@code cluster_state:ok} on every node. */
  private void assertHealthyAt(int n) throws Exception {
    cluster.assertAt(n);
    assertClusterStateOkOnEveryNode(cluster.status());
  }

  /**
   * Redis's own check: {@code redis-cli cluster info} says {@code cluster_state:ok} on each node.
   */
  private static void assertClusterStateOkOnEveryNode(ClusterStatus status) throws Exception {
    for (ClusterStatus.MemberState m : status.members()) {
      Process p =
          new ProcessBuilder(
                  "redis-cli",
                  "-h",
                  m.host(),
                  "-p",
                  Integer.toString(m.clientPort()),
                  "cluster",
                  "info")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(out).as("member %d", m.ordinal()).contains("cluster_state:ok");
      assertThat(out).contains("cluster_slots_ok:16384");
    }
  }
}
