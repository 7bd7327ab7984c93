package dev.ballast.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the operator reads a target (a StatefulSet, or another kind through {@link #workloads}),
 * its pods and the Nodes for a snapshot: the informer caches that also wake the reconciler (in the
 * running operator: no request to the API server), or the API server itself (a reconciler driven by
 * hand, the CLI). A cache lags the server by the time a watch event takes, so it serves only the
 * decision path; a read that guards a write (the replicas before a {@code /scale} write, a pod
 * before its claims are touched) goes to the server through {@link TargetWorkload} and {@link
 * KubernetesReplicaRuntime}, whatever this is.
 */
public interface KubernetesReads {

  /** The StatefulSet {@code namespace/name}; empty when it does not exist. */
  Optional<StatefulSet> statefulSet(String namespace, String name);

  /** The pod {@code namespace/name}; empty when it does not exist. */
  Optional<Pod> pod(String namespace, String name);

  /** Whether the reads come from caches (a GET would then be the fresh read). */
  boolean cached();

  /** Every Node of the cluster. */
  List<Node> nodes();

  /**
   * The cache of the workloads of {@code ref}'s kind (not a StatefulSet) in {@code namespace}, when
   * one serves it; empty when they are read with a GET (no cache, or no permission to list and
   * watch them: see {@link InformerReads}).
   */
  default Optional<WorkloadCache> workloads(String namespace, CrossVersionObjectReference ref) {
    return Optional.empty();
  }

  /**
   * A cache of the workloads of one kind in one namespace.
   *
   * @param byName the workload of a name, as the cache has it; empty when it does not exist
   * @param scaleReplicasPath where the kind keeps its {@code /scale} spec.replicas (such as {@code
   *     .spec.replicas}); empty when the kind declares no {@code /scale} subresource
   */
  record WorkloadCache(
      Function<String, Optional<GenericKubernetesResource>> byName,
      Optional<String> scaleReplicasPath) {
    public WorkloadCache {
      Objects.requireNonNull(byName, "byName");
      Objects.requireNonNull(scaleReplicasPath, "scaleReplicasPath");
    }
  }

  /** Every read a GET to the API server. */
  static KubernetesReads apiServer(KubernetesClient client) {
    Objects.requireNonNull(client, "client");
    return new KubernetesReads() {
      @Override
      public Optional<StatefulSet> statefulSet(String namespace, String name) {
        return Optional.ofNullable(
            client.apps().statefulSets().inNamespace(namespace).withName(name).get());
      }

      @Override
      public Optional<Pod> pod(String namespace, String name) {
        return Optional.ofNullable(client.pods().inNamespace(namespace).withName(name).get());
      }

      @Override
      public boolean cached() {
        return false;
      }

      @Override
      public List<Node> nodes() {
        return client.nodes().list().getItems();
      }
    };
  }
}
