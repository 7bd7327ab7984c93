package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.plan.Stage;
import dev.ballast.local.ClusterStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing: {@code ballast up}, then {@code scale 3 → 5 → 3} of a real ZooKeeper ensemble
 * under continuous writes, then a member that dies during JOIN. One ensemble serves every case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalScalingIT {
  @TempDir static Path dir;
  private LocalZooKeeperCluster cluster;

  @BeforeAll
  void up() {
    cluster =
        new LocalZooKeeperCluster(
            dir,
            "zk-scale",
            """
            minReplicas: 3
            maxReplicas: 7
            allowedReplicas: [3, 4, 5, 7]
            scaleDown:
              policy: Allowed
              dataPolicy: Delete
            timeouts:
              default: 60s
              verify: 10s
            """);
    BallastCli.Result up = BallastCli.run("up", "-f", cluster.path());
    assertThat(up.exitCode()).as(up.toString()).isZero();
    cluster.assertAt(3);
  }

  @AfterAll
  void down() {
    if (cluster != null) {
      cluster.close();
      assertThat(cluster.processes()).as("processes left behind").isEmpty();
    }
  }

  @Test
  @Order(1)
  void scalesThreeToFiveToThreeUnderWritesWithoutLosingQuorumOrWrites() throws Exception {
    // given
    List<Sample> samples = new CopyOnWriteArrayList<>();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                ClusterStatus s = cluster.status();
                samples.add(new Sample(System.nanoTime(), s));
                try {
                  Thread.sleep(300);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    int historyBefore = cluster.history().size();
    try (ContinuousWriter writer = new ContinuousWriter(cluster.baseConnectString(), "/load")) {
      sampler.start();

      // when
      BallastCli.Result up = BallastCli.run("scale", "-f", cluster.path(), "--replicas", "5");
      BallastCli.Result down = BallastCli.run("scale", "-f", cluster.path(), "--replicas", "3");
      sampling.set(false);
      sampler.join(30_000);

      // then: both exit 0 with one line per stage
      assertThat(up.exitCode()).as(up.toString()).isZero();
      assertThat(up.out())
          .contains("add member 3 (3→4): JOIN ok", "add member 4 (4→5): VERIFY ok")
          .contains("scaled up from 3 to 5 members");
      assertThat(down.exitCode()).as(down.toString()).isZero();
      assertThat(down.out())
          .contains("remove member 4 (5→4): LEAVE ok", "remove member 3 (4→3): CLEANUP ok");
      cluster.assertAt(3);
      writer.assertNoLostWrites();
      assertThat(writer.acknowledgedCount()).isGreaterThan(20);
    }

    // then: quorum all along; a leader missing only for a short election (a removed leader)
    assertThat(samples).hasSizeGreaterThan(5);
    for (Sample sample : samples) {
      ClusterStatus s = sample.status();
      long voting = s.members().stream().filter(ClusterStatus.MemberState::voting).count();
      long servingVoters = s.members().stream().filter(m -> m.voting() && m.healthy()).count();
      assertThat(servingVoters)
          .as("serving voting members in %s", s)
          .isGreaterThanOrEqualTo(voting / 2 + 1);
    }
    assertThat(longestLeaderless(samples)).isLessThan(Duration.ofSeconds(5));

    // then: the history shows one member leaving at a time
    List<HistoryRecord> records =
        cluster.history().subList(historyBefore, cluster.history().size());
    assertOneRemovalAtATime(records);
    assertThat(records)
        .filteredOn(r -> r.kind() == RecordKind.OPERATION)
        .extracting(HistoryRecord::outcome)
        .containsExactly(Outcome.SUCCEEDED, Outcome.SUCCEEDED);
  }

  @Test
  @Order(2)
  void aMemberThatDiesDuringJoinIsRolledBackAndTheClusterStaysHealthy() throws Exception {
    // given: ballast stops at the JOIN boundary of adding member 3, and member 3 then dies
    cluster.assertAt(3);
    BallastCli.Result crashed =
        BallastCli.run(
            List.of("-Dballast.test.haltAfter=0:JOIN"),
            Duration.ofMinutes(3),
            "scale",
            "-f",
            cluster.path(),
            "--replicas",
            "4");
    assertThat(crashed.exitCode()).as(crashed.toString()).isEqualTo(137);
    ClusterStatus midway = cluster.status();
    assertThat(midway.operation().stage()).isEqualTo(Stage.JOIN);
    long joiner = midway.members().get(3).pid();
    ProcessHandle.of(joiner).orElseThrow().destroyForcibly();

    // when
    BallastCli.Result resumed = BallastCli.run("resume", "-f", cluster.path());

    // then
    assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(1);
    assertThat(resumed.err()).contains("3 members");
    cluster.assertAt(3);
    assertThat(cluster.history())
        .filteredOn(r -> r.kind() == RecordKind.OPERATION)
        .last()
        .extracting(HistoryRecord::outcome)
        .isEqualTo(Outcome.ROLLED_BACK);
  }

  @Test
  @Order(3)
  void rollbackReturnsToTheSizeBeforeTheLastCompletedOperation() {
    // given: the last completed operation went 5 → 3
    // when
    BallastCli.Result rollback = BallastCli.run("rollback", "-f", cluster.path());

    // then
    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    cluster.assertAt(5);
    assertThat(cluster.history())
        .filteredOn(r -> r.kind() == RecordKind.OPERATION)
        .last()
        .satisfies(r -> assertThat(r.trigger().name()).isEqualTo("ROLLBACK"));
  }

  private record Sample(long nanos, ClusterStatus status) {}

  private static Duration longestLeaderless(List<Sample> samples) {
    long longest = 0;
    Long since = null;
    for (Sample s : samples) {
      if (s.status().leader() == null) {
        since = since == null ? s.nanos() : since;
        longest = Math.max(longest, s.nanos() - since);
      } else {
        since = null;
      }
    }
    return Duration.ofNanos(longest);
  }

  /** Between a member's LEAVE and the end of its step, no other member may leave. */
  static void assertOneRemovalAtATime(List<HistoryRecord> records) {
    List<Integer> leaving = new ArrayList<>();
    for (HistoryRecord r : records) {
      if (r.kind() != RecordKind.STAGE || r.ordinal() == null || r.to() >= r.from()) {
        continue;
      }
      if (r.stage() == Stage.LEAVE && r.outcome() == Outcome.SUCCEEDED) {
        assertThat(leaving).as("members still leaving when %s left", r.ordinal()).isEmpty();
        leaving.add(r.ordinal());
      }
      if (r.stage() == Stage.PUBLISH && r.outcome() == Outcome.SUCCEEDED) {
        leaving.remove(r.ordinal());
      }
    }
    assertThat(leaving).isEmpty();
  }
}
