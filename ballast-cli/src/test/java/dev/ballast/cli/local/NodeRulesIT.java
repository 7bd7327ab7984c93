package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One member per node, end to end: {@code ballast scale} refuses to place two on one node. */
class NodeRulesIT {
  @TempDir Path dir;
  private Path file;

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
  void aChunkServerBeyondTheNodeCountIsRefusedInPreflightAndNothingChanges() throws Exception {
    // given 3 chunk servers on 4 nodes, one per node
    file = dir.resolve("chunks.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: chunks
        spec:
          stateDir: state
          replicas: 3
          minReplicas: 3
          maxReplicas: 255
          nodes: [worker-a, worker-b, worker-c, worker-d]
          placement: OnePerNode
          member:
            kind: command
            command: [sleep, "600"]
          membership:
            type: none
        """);
    String f = file.toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();

    // when
    BallastCli.Result four = BallastCli.run("scale", "-f", f, "--replicas", "4");
    BallastCli.Result five = BallastCli.run("scale", "-f", f, "--replicas", "5");

    // then the fourth fits on worker-d, the fifth has no node of its own
    assertThat(four.exitCode()).as(four.toString()).isZero();
    assertThat(five.exitCode()).as(five.toString()).isEqualTo(3);
    assertThat(five.err())
        .contains("one member per node")
        .contains("5 members need 5 nodes, 4 are schedulable; add a node before adding member 4");
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
      assertThat(w.runtime().members()).hasSize(4);
    }
  }
}
