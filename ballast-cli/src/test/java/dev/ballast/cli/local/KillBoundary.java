package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.local.ClusterStatus;
import java.util.List;

/**
 * A point where {@code ballast scale} from size {@code from} to {@code to} is killed: right after
 * the journal write at {@code haltAfter} ({@code <step>:<STAGE>}), by the test hook that halts with
 * status 137, as SIGKILL.
 */
record KillBoundary(String name, int from, int to, String haltAfter) {
  @Override
  public String toString() {
    return name;
  }

  /**
   * A check that the cluster is healthy at a size, by Ballast's status and the system's own view.
   */
  @FunctionalInterface
  interface SizeCheck {
    void assertHealthyAt(int size) throws Exception;
  }

  /**
   * Kills {@code ballast scale} at this boundary of a cluster at {@code from}, checks that the
   * journal holds the operation at that stage, runs {@code ballast resume}, and checks that the
   * cluster is healthy at {@code to} with the operation recorded as succeeded.
   */
  void killThenResume(LocalZooKeeperCluster cluster) throws Exception {
    killThenResume(cluster, cluster::assertAt);
  }

  /** {@link #killThenResume(LocalZooKeeperCluster)}, with the system's own health check. */
  void killThenResume(LocalZooKeeperCluster cluster, SizeCheck healthy) throws Exception {
    // given
    healthy.assertHealthyAt(from);

    // when: ballast dies right after saving the journal at the boundary, then resumes
    BallastCli.Result killed =
        BallastCli.killedAt(haltAfter, "scale", "-f", cluster.path(), "--replicas", "" + to);
    assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(137);
    ClusterStatus afterKill = cluster.status();
    assertThat(afterKill.operation()).isNotNull();
    assertThat(afterKill.operation().stage().name()).isEqualTo(haltAfter.substring(2));
    BallastCli.Result resumed = BallastCli.run("resume", "-f", cluster.path());

    // then
    assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
    healthy.assertHealthyAt(to);
    List<HistoryRecord> ops =
        cluster.history().stream().filter(r -> r.kind() == RecordKind.OPERATION).toList();
    HistoryRecord last = ops.get(ops.size() - 1);
    assertThat(last.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(last.to()).isEqualTo(to);
  }
}
