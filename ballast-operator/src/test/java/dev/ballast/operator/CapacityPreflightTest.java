package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityPreflightTest {

  static Node node(String name, String cpu, String memory) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .withNewStatus()
        .addToAllocatable("cpu", new Quantity(cpu))
        .addToAllocatable("memory", new Quantity(memory))
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  static Pod pod(String name, String node, String app, String cpu) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("app", app)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("c")
        .withNewResources()
        .addToRequests("cpu", new Quantity(cpu))
        .endResources()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }

  static PodTemplateSpec template(boolean onePerNode) {
    var b =
        new PodTemplateSpecBuilder()
            .withNewMetadata()
            .addToLabels("app", "zk")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("zk")
            .withNewResources()
            .addToRequests("cpu", new Quantity("500m"))
            .addToRequests("memory", new Quantity("1Gi"))
            .endResources()
            .endContainer();
    if (onePerNode) {
      b =
          b.withNewAffinity()
              .withNewPodAntiAffinity()
              .addNewRequiredDuringSchedulingIgnoredDuringExecution()
              .withTopologyKey(CapacityPreflight.HOSTNAME)
              .withNewLabelSelector()
              .addToMatchLabels("app", "zk")
              .endLabelSelector()
              .endRequiredDuringSchedulingIgnoredDuringExecution()
              .endPodAntiAffinity()
              .endAffinity();
    }
    return b.endSpec().build();
  }

  @Test
  void admitsWhenANodeHasRoomForTheRequests() {
    // given: node-b has 1 core left
    List<Node> nodes = List.of(node("node-a", "1", "4Gi"), node("node-b", "2", "4Gi"));
    List<Pod> pods = List.of(pod("x", "node-a", "other", "800m"), pod("y", "node-b", "other", "1"));

    // when / then
    assertThat(CapacityPreflight.check(template(false), nodes, pods)).isEmpty();
  }

  @Test
  void namesTheShortResourceOnEveryNode() {
    // given
    List<Node> nodes = List.of(node("node-a", "1", "4Gi"), node("node-b", "2", "512Mi"));
    List<Pod> pods = List.of(pod("x", "node-a", "other", "800m"));

    // when
    var why = CapacityPreflight.check(template(false), nodes, pods);

    // then
    assertThat(why)
        .get()
        .asString()
        .contains("node-a: cpu short by 300m")
        .contains("node-b: memory short by 512Mi");
  }

  @Test
  void oneMemberPerNodeRefusesNodesThatRunAMember() {
    // given: both nodes have room but each runs a member already
    List<Node> nodes = List.of(node("node-a", "8", "16Gi"), node("node-b", "8", "16Gi"));
    List<Pod> pods =
        List.of(pod("zk-0", "node-a", "zk", "500m"), pod("zk-1", "node-b", "zk", "500m"));

    // when
    var why = CapacityPreflight.check(template(true), nodes, pods);

    // then
    assertThat(why).get().asString().contains("node-a: already runs a member (one per node)");
    assertThat(CapacityPreflight.check(template(false), nodes, pods)).isEmpty();
  }
}
