package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member left half-added by an add whose journal was lost (ballast killed after starting it, then
 * {@code operation.json} deleted) does not block later scales, on real ZooKeeper: the next {@code
 * scale} releases it first.
 */
class LostJournalIT {
  @TempDir Path dir;
  private LocalZooKeeperCluster cluster;

  @AfterEach
  void down() {
    if (cluster != null) {
      cluster.close();
      assertThat(cluster.processes()).as("processes left behind").isEmpty();
    }
  }

  @Test
  void aHalfAddedMemberWhoseJournalWasDeletedIsReleasedByTheNextScale() throws Exception {
    // given: 3 members; ballast killed as member 3 was about to join; the journal deleted
    cluster = new LocalZooKeeperCluster(dir, "zk-lost", "maxReplicas: 5");
    BallastCli.Result up = BallastCli.run("up", "-f", cluster.path());
    assertThat(up.exitCode()).as(up.toString()).isZero();
    BallastCli.Result killed =
        BallastCli.run(
            List.of("-Dballast.test.haltAfter=0:JOIN"),
            Duration.ofMinutes(3),
            "scale",
            "-f",
            cluster.path(),
            "--replicas",
            "4");
    assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(137);
    Files.delete(dir.resolve("zk-lost-state").resolve("operation.json"));
    assertThat(cluster.status().members()).hasSize(4);

    // when
    BallastCli.Result scale = BallastCli.run("scale", "-f", cluster.path(), "--replicas", "5");

    // then: member 3 was released, then members 3 and 4 added properly
    assertThat(scale.exitCode()).as(scale.toString()).isZero();
    assertThat(scale.out()).contains("roll back member 3");
    cluster.assertAt(5);
  }
}
