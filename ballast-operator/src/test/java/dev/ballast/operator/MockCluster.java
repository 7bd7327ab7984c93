package dev.ballast.operator;

import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Fixtures on the fabric8 mock API server (CRUD mode) and a fake kubelet: the mock has no
 * StatefulSet controller, so {@link #kubelet} plays one, creating Ready pods for the ordinals below
 * the StatefulSet's replicas (with their volume claims; not Ready from {@link #readyBelow} on) and
 * deleting the others.
 */
final class MockCluster {
  static final String NS = "test";

  private final KubernetesClient client;

  /** Pods of this ordinal and above never become Ready (a member that cannot join). */
  int readyBelow = Integer.MAX_VALUE;

  MockCluster(KubernetesClient client) {
    this.client = client;
  }

  /** StatefulSet {@code name} as the target a StatefulAutoscaler's {@code targetRef} names. */
  TargetWorkload target(String name) {
    return new TargetWorkload(
        client,
        NS,
        new CrossVersionObjectReferenceBuilder()
            .withApiVersion("apps/v1")
            .withKind("StatefulSet")
            .withName(name)
            .build(),
        Optional.empty());
  }

  /** A StatefulSet {@code name} with {@code replicas}, one volume claim template "data". */
  StatefulSet statefulSet(String name, int replicas, String cpuRequest) {
    StatefulSet sts =
        new StatefulSetBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withServiceName(name + "-hs")
            .withNewSelector()
            .addToMatchLabels("app", name)
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", name)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("main")
            .withImage("example/" + name)
            .withNewResources()
            .addToRequests("cpu", new Quantity(cpuRequest))
            .addToRequests("memory", new Quantity("256Mi"))
            .endResources()
            .endContainer()
            .endSpec()
            .endTemplate()
            .addNewVolumeClaimTemplate()
            .withNewMetadata()
            .withName("data")
            .endMetadata()
            .endVolumeClaimTemplate()
            .endSpec()
            .build();
    return client.apps().statefulSets().inNamespace(NS).resource(sts).create();
  }

  /** Creates the StatefulAutoscaler of {@code yaml} (a whole manifest). */
  StatefulAutoscaler apply(String yaml) {
    StatefulAutoscaler sas = Serialization.unmarshal(yaml, StatefulAutoscaler.class);
    sas.getMetadata().setNamespace(NS);
    sas.getMetadata().setGeneration(1L);
    return client.resources(StatefulAutoscaler.class).inNamespace(NS).resource(sas).create();
  }

  /** The StatefulAutoscaler as the server has it now. */
  StatefulAutoscaler get(String name) {
    return client.resources(StatefulAutoscaler.class).inNamespace(NS).withName(name).get();
  }

  /** The replicas the StatefulSet is asked to run. */
  int replicas(String sts) {
    return client.apps().statefulSets().inNamespace(NS).withName(sts).get().getSpec().getReplicas();
  }

  /** Plays the StatefulSet controller and kubelet: pods (Ready) and claims follow the replicas. */
  void kubelet(String sts) {
    int replicas = replicas(sts);
    List<Pod> pods = client.pods().inNamespace(NS).list().getItems();
    for (Pod p : pods) {
      String name = p.getMetadata().getName();
      if (name.startsWith(sts + "-")
          && Integer.parseInt(name.substring(sts.length() + 1)) >= replicas) {
        client.pods().inNamespace(NS).withName(name).delete();
      }
    }
    for (int k = 0; k < replicas; k++) {
      String name = sts + "-" + k;
      Pod existing = client.pods().inNamespace(NS).withName(name).get();
      boolean ready = k < readyBelow;
      if (existing != null && PodConditions.ready(existing) != ready) {
        client.pods().inNamespace(NS).withName(name).delete();
        existing = null;
      }
      if (existing == null) {
        Pod pod = readyPod(sts, k);
        pod.getStatus().getConditions().get(0).setStatus(ready ? "True" : "False");
        client.pods().inNamespace(NS).resource(pod).create();
      }
      String claim = "data-" + name;
      if (client.persistentVolumeClaims().inNamespace(NS).withName(claim).get() == null) {
        client
            .persistentVolumeClaims()
            .inNamespace(NS)
            .resource(
                new PersistentVolumeClaimBuilder()
                    .withNewMetadata()
                    .withName(claim)
                    .withNamespace(NS)
                    .withLabels(Map.of("app", sts))
                    .endMetadata()
                    .build())
            .create();
      }
    }
  }

  static Pod readyPod(String sts, int ordinal) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(sts + "-" + ordinal)
        .withNamespace(NS)
        .addToLabels("app", sts)
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("StatefulSet")
        .withName(sts)
        .withUid("uid-" + sts)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("10.0.0." + (ordinal + 10))
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  /**
   * Answers every SelfSubjectAccessReview {@code server} receives: allowed when {@code granted}
   * accepts its {@code "verb resource"} (read at each review), each asked one passed to {@code
   * asked} first.
   */
  static void answerAccessReviews(
      KubernetesMockServer server, Predicate<String> granted, Consumer<String> asked) {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        .andReply(
            201,
            request -> {
              SelfSubjectAccessReview review =
                  Serialization.unmarshal(
                      request.getBody().readUtf8(), SelfSubjectAccessReview.class);
              var a = review.getSpec().getResourceAttributes();
              String what = a.getVerb() + " " + a.getResource();
              asked.accept(what);
              review.setStatus(
                  new SubjectAccessReviewStatusBuilder().withAllowed(granted.test(what)).build());
              return review;
            })
        .always();
  }
}
