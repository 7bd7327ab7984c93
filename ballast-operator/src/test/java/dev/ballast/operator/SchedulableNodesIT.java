package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.policy.OnePerNode;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node view behind {@code sizeByNodes} and {@code placement: OnePerNode}, on the fabric8 mock
 * API server (CRUD mode): which Nodes count as schedulable for the target's pods, where each member
 * runs, and where a member about to be added would go.
 */
@EnableKubernetesMockClient(crud = true)
class SchedulableNodesIT {
  KubernetesClient client;
  TargetWorkload target;

  @BeforeEach
  void setUp() {
    MockCluster cluster = new MockCluster(client);
    cluster.statefulSet("meta", 2, "100m");
    target = cluster.target("meta");
  }

  private void node(
      String name, boolean ready, boolean cordoned, Map<String, String> labels, String taint) {
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withUnschedulable(cordoned)
            .endSpec()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus();
    if (taint != null) {
      b.editSpec().addNewTaint().withKey(taint).withEffect("NoSchedule").endTaint().endSpec();
    }
    client.nodes().resource(b.build()).create();
  }

  private void pod(int ordinal, String node) {
    client
        .pods()
        .inNamespace(MockCluster.NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("meta-" + ordinal)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("main")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  @Test
  void onlyReadyUncordonedMatchingNodesWithoutUntoleratedTaintsCount() {
    // given: pods that select role=storage and tolerate the "dedicated" taint
    node("a", true, false, Map.of("role", "storage"), null);
    node("b", true, false, Map.of("role", "storage"), "dedicated");
    node("c", true, false, Map.of("role", "storage"), "gpu");
    node("d", false, false, Map.of("role", "storage"), null);
    node("e", true, true, Map.of("role", "storage"), null);
    node("f", true, false, Map.of("role", "web"), null);
    PodSpec spec =
        new PodSpecBuilder()
            .addToNodeSelector("role", "storage")
            .addNewToleration()
            .withKey("dedicated")
            .withOperator("Exists")
            .endToleration()
            .build();

    // when
    SchedulableNodes nodes = new SchedulableNodes(target, () -> spec);

    // then: a and b; not the untolerated taint, the NotReady, the cordoned or the other role
    assertThat(nodes.count()).hasValue(2);
  }

  @Test
  void aMemberToAddGoesToAFreeNodeAndOnePerNodeRefusesWhenNoneIsLeft() {
    // given: members 0 and 1 on nodes a and b; node c free
    node("a", true, false, Map.of(), null);
    node("b", true, false, Map.of(), null);
    node("c", true, false, Map.of(), null);
    pod(0, "a");
    pod(1, "b");
    SchedulableNodes nodes = new SchedulableNodes(target, () -> null);

    // when
    Map<Integer, Optional<String>> placed = new TreeMap<>();
    for (int k = 0; k <= 2; k++) {
      placed.put(k, nodes.nodeOf(k));
    }

    // then: member 2 would run on c, which the rule allows
    assertThat(placed).containsEntry(0, Optional.of("a")).containsEntry(2, Optional.of("c"));
    assertThat(OnePerNode.refusal(2, placed, nodes.count().getAsInt())).isEmpty();

    // when: c is cordoned
    client
        .nodes()
        .withName("c")
        .edit(
            n -> {
              n.getSpec().setUnschedulable(true);
              return n;
            });
    placed.put(2, nodes.nodeOf(2));

    // then
    assertThat(OnePerNode.refusal(2, placed, nodes.count().getAsInt()))
        .hasValue(
            "one member per node: 3 members need 3 nodes, 2 are schedulable; add a node before"
                + " adding member 2");
  }
}
