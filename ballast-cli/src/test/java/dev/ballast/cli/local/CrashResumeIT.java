package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.plan.Stage;
import dev.ballast.local.ClusterStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills {@code ballast scale} (a halt with status 137, as SIGKILL) right after the journal of each
 * stage boundary of an add step (3 → 4) and of a remove step (4 → 3) is saved, then runs {@code
 * ballast resume}: the operation completes, no acknowledged write is lost, every server agrees on
 * the members, and no process is left over. One ensemble and one writer serve every case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashResumeIT {
  @TempDir static Path dir;
  private LocalZooKeeperCluster cluster;
  private ContinuousWriter writer;

  record Boundary(String name, int from, int to, String haltAfter) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Boundary> boundaries() {
    // Alternating add and remove cases keep the ensemble at the size the next case starts from.
    List<Stage> add =
        List.of(
            Stage.PREFLIGHT,
            Stage.ANNOUNCE,
            Stage.START,
            Stage.READY,
            Stage.JOIN,
            Stage.VERIFY,
            Stage.PUBLISH);
    List<Stage> remove =
        List.of(
            Stage.PREFLIGHT,
            Stage.DRAIN,
            Stage.DRAINED,
            Stage.LEAVE,
            Stage.STOP,
            Stage.GONE,
            Stage.CLEANUP,
            Stage.VERIFY,
            Stage.PUBLISH);
    List<Boundary> cases = new ArrayList<>();
    for (int i = 0; i < Math.max(add.size(), remove.size()) + 1; i++) {
      if (i < add.size()) {
        cases.add(new Boundary("add 3→4, killed before " + add.get(i), 3, 4, "0:" + add.get(i)));
      } else if (i == add.size()) {
        cases.add(new Boundary("add 3→4, killed after the end was saved", 3, 4, "end"));
      }
      if (i < remove.size()) {
        cases.add(
            new Boundary("remove 4→3, killed before " + remove.get(i), 4, 3, "0:" + remove.get(i)));
      } else if (i == remove.size()) {
        cases.add(new Boundary("remove 4→3, killed after the end was saved", 4, 3, "end"));
      }
    }
    return cases.stream();
  }

  @BeforeAll
  void up() throws Exception {
    cluster =
        new LocalZooKeeperCluster(
            dir,
            "zk-crash",
            """
            minReplicas: 3
            maxReplicas: 5
            timeouts:
              default: 60s
            """);
    BallastCli.Result up = BallastCli.run("up", "-f", cluster.path());
    assertThat(up.exitCode()).as(up.toString()).isZero();
    writer = new ContinuousWriter(cluster.baseConnectString(), "/crash");
  }

  @AfterAll
  void down() throws Exception {
    try {
      if (writer != null) {
        writer.assertNoLostWrites();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
        assertThat(cluster.processes()).as("processes left behind").isEmpty();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("boundaries")
  void resumesAfterAKillAtTheBoundary(Boundary boundary) throws Exception {
    // given: the cluster at the starting size
    if (cluster.status().replicas() != boundary.from()) {
      BallastCli.Result fix =
          BallastCli.run("scale", "-f", cluster.path(), "--replicas", "" + boundary.from());
      assertThat(fix.exitCode()).as(fix.toString()).isZero();
    }
    cluster.assertAt(boundary.from());

    // when: ballast dies right after saving the journal at the boundary
    BallastCli.Result killed =
        BallastCli.killedAt(
            boundary.haltAfter(), "scale", "-f", cluster.path(), "--replicas", "" + boundary.to());
    assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(137);
    ClusterStatus afterKill = cluster.status();
    if (!boundary.haltAfter().equals("end")) {
      assertThat(afterKill.operation()).isNotNull();
      assertThat(afterKill.operation().stage().name()).isEqualTo(boundary.haltAfter().substring(2));
    }

    // and: another ballast is refused while nothing holds the lock? No: the lock died with it
    BallastCli.Result resumed = BallastCli.run("resume", "-f", cluster.path());

    // then
    assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
    cluster.assertAt(boundary.to());
    List<HistoryRecord> ops =
        cluster.history().stream().filter(r -> r.kind() == RecordKind.OPERATION).toList();
    HistoryRecord last = ops.get(ops.size() - 1);
    assertThat(last.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(last.from()).isEqualTo(boundary.from());
    assertThat(last.to()).isEqualTo(boundary.to());
    assertThat(ops.stream().filter(r -> r.operationId().equals(last.operationId())).count())
        .as("the operation is recorded once")
        .isEqualTo(1);
    LocalScalingIT.assertOneRemovalAtATime(cluster.history());
  }
}
