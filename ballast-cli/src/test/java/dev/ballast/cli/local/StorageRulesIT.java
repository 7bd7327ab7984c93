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
 * The storage runbook's rules read by {@code ballast explain -f} on running local members: chunk
 * servers scale out when their data directories pass 80% of their capacity, through the HPA's
 * arithmetic; meta servers follow the node count.
 */
class StorageRulesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  private Path cluster(String name, String spec) throws Exception {
    file = dir.resolve(name + ".yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: %s
        spec:
          stateDir: state
          member:
            kind: command
            command: [sleep, "600"]
            storageCapacity: 1Mi
          membership:
            type: none
        %s
        """
            .formatted(name, spec.indent(2)));
    return file;
  }

  @Test
  void chunkServersFilledPast80PercentScaleOutByTheHpaRatio() throws Exception {
    // given 3 chunk servers whose data directories hold 0.9 MiB of their 1 MiB each
    Path f =
        cluster(
            "chunks",
            """
            replicas: 3
            minReplicas: 3
            maxReplicas: 255
            metrics:
              - type: Pods
                pods:
                  metric: {name: data_dir_usage}
                  target: {type: AverageValue, averageValue: "800m"}
            """);
    assertThat(BallastCli.run("up", "-f", f.toString()).exitCode()).isZero();
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(f), Clock.systemUTC())) {
      for (int i = 0; i < 3; i++) {
        Files.write(w.runtime().dataDir(i).resolve("chunk.dat"), new byte[943_718]);
      }
    }

    // when
    BallastCli.Result r = BallastCli.run("explain", "-f", f.toString(), "-o", "json");

    // then 3 x 0.9 / 0.8 = 3.375, so 4 members
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode tree = JSON.readTree(r.out());
    assertThat(tree.path("reactive").asInt()).isEqualTo(4);
    assertThat(tree.path("desiredReplicas").asInt()).isEqualTo(4);
  }

  @Test
  void metaServersFollowTheNodeCountWhateverTheMetricSays() throws Exception {
    // given 3 meta servers on 6 nodes, sized "5 or more nodes: 5, else 3", with an idle metric
    Path f =
        cluster(
            "meta",
            """
            replicas: 3
            minReplicas: 3
            maxReplicas: 5
            allowedReplicas: [3, 5]
            nodes: 6
            placement: OnePerNode
            sizeByNodes:
              tiers: [{atLeast: 5, replicas: 5}]
              otherwise: 3
            metrics:
              - type: Pods
                pods:
                  metric: {name: data_dir_usage}
                  target: {type: AverageValue, averageValue: "800m"}
            """);
    assertThat(BallastCli.run("up", "-f", f.toString()).exitCode()).isZero();

    // when
    BallastCli.Result r = BallastCli.run("explain", "-f", f.toString(), "-o", "json");

    // then
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode tree = JSON.readTree(r.out());
    assertThat(tree.path("desiredReplicas").asInt()).as(r.out()).isEqualTo(5);
    assertThat(r.out()).contains("NODE_COUNT").contains("6 schedulable nodes call for 5 members");
  }
}
