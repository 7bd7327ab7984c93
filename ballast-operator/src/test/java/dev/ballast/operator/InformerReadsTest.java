package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReferenceBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InformerReadsTest {
  static final String NS = "apps";

  static StatefulAutoscaler sas(String name, String apiVersion, String kind, String target) {
    StatefulAutoscaler sas = new StatefulAutoscaler();
    sas.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    sas.setSpec(new StatefulAutoscalerSpec());
    sas.getSpec().targetRef =
        new CrossVersionObjectReferenceBuilder()
            .withApiVersion(apiVersion)
            .withKind(kind)
            .withName(target)
            .build();
    return sas;
  }

  static Pod pod(String ownerKind, String ownerName, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(ownerName + "-x")
        .withNamespace(NS)
        .withLabels(labels)
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind(ownerKind)
        .withName(ownerName)
        .withUid("uid-" + ownerName)
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .build();
  }

  final List<StatefulAutoscaler> resources =
      List.of(
          sas("web", "apps/v1", "Deployment", "web"),
          sas("zk", "apps/v1", "StatefulSet", "zk"),
          sas("web-canary", "apps/v1", "Deployment", "web-canary"));

  @Test
  void aPodOfADeploymentWakesTheResourceNamingTheDeployment() {
    // given: a pod of Deployment web, owned by its ReplicaSet web-5d9c7b
    Pod pod = pod("ReplicaSet", "web-5d9c7b", Map.of("app", "web", "pod-template-hash", "5d9c7b"));

    // when
    var woken = InformerReads.owningTargets(resources.stream(), pod);

    // then: web, not web-canary (whose name web-5d9c7b does not carry)
    assertThat(woken).containsExactly(new ResourceID("web", NS));
  }

  @Test
  void aPodOfAStatefulSetStillWakesTheResourceNamingIt() {
    // given
    Pod pod = pod("StatefulSet", "zk", Map.of("app", "zk"));

    // when / then
    assertThat(InformerReads.owningTargets(resources.stream(), pod))
        .containsExactly(new ResourceID("zk", NS));
  }

  @Test
  void aPodOfAReplicaSetNotMadeByADeploymentWakesNothing() {
    // given: a bare ReplicaSet web-5d9c7b (no pod-template-hash label on its pods), and one whose
    // name does not end with the hash
    Pod bare = pod("ReplicaSet", "web-5d9c7b", Map.of("app", "web"));
    Pod other = pod("ReplicaSet", "web", Map.of("pod-template-hash", "5d9c7b"));

    // when / then
    assertThat(InformerReads.owningTargets(resources.stream(), bare)).isEmpty();
    assertThat(InformerReads.owningTargets(resources.stream(), other)).isEmpty();
  }

  @Test
  void aResourceIsIndexedByTheInformerOfItsTargetKindAndNamespaceNotAStatefulSet() {
    // given / when / then: a Deployment's informer key; none for a StatefulSet (its informer is
    // started with the operator and never stopped)
    assertThat(InformerReads.targetKey(resources.get(0)))
        .containsExactly("apps/v1/Deployment@apps");
    assertThat(InformerReads.targetKey(resources.get(1))).isEmpty();
  }
}
