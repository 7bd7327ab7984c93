package dev.ballast.local.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.policy.NodeCountSizing;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The node rules of a cluster file: nodes, one member per node, size by node count. */
class ClusterFileNodesTest {
  private static final Path FILE = Path.of("/clusters/storage/meta.yaml");

  private static String file(String extra) {
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: meta
        spec:
          replicas: 3
          minReplicas: 3
          maxReplicas: 5
          member:
            kind: command
            command: [sleep, "600"]
          membership:
            type: none
        %s
        """
        .formatted(extra.indent(2));
  }

  @Test
  void readsTheStorageRunbooksMetaServerRules() throws Exception {
    // when
    ClusterFile c =
        ClusterFile.parse(
            file(
                """
                nodes: 6
                placement: OnePerNode
                sizeByNodes:
                  tiers: [{atLeast: 5, replicas: 5}]
                  otherwise: 3
                """),
            FILE);

    // then
    assertThat(c.nodes())
        .containsExactly("node-0", "node-1", "node-2", "node-3", "node-4", "node-5");
    assertThat(c.policy().nodes().onePerNode()).isTrue();
    assertThat(c.policy().nodes().nodeCount()).isEqualTo(OptionalInt.of(6));
    assertThat(c.policy().nodes().sizing())
        .contains(new NodeCountSizing(List.of(new NodeCountSizing.Tier(5, 5)), 3));
  }

  @Test
  void namedNodesKeepTheirNames() throws Exception {
    ClusterFile c = ClusterFile.parse(file("nodes: [worker-a, worker-b, worker-c]"), FILE);
    assertThat(c.nodes()).containsExactly("worker-a", "worker-b", "worker-c");
    assertThat(c.policy().nodes().onePerNode()).isFalse();
  }

  @Test
  void nodeRulesWithoutNodesAreRefusedNamingTheField() {
    assertThatThrownBy(
            () ->
                ClusterFile.parse(
                    file(
                        "placement: OnePerNode\nsizeByNodes: {tiers: [{atLeast: 5, replicas: 5}], otherwise: 3}"),
                    FILE))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e ->
                assertThat(e.problems())
                    .contains(
                        "meta.yaml: spec.placement: OnePerNode needs spec.nodes: the nodes members"
                            + " are placed on",
                        "meta.yaml: spec.sizeByNodes: needs spec.nodes: the node count it sizes by"));
  }
}
