package dev.ballast.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the operator reads a target StatefulSet and its pods for a snapshot: the informer caches
 * that also wake the reconciler (in the running operator: no request to the API server), or the API
 * server itself (a reconciler driven by hand, the CLI). A cache lags the server by the time a watch
 * event takes, so it serves only the decision path; a read that guards a write (the replicas before
 * a {@code /scale} write, a pod before its claims are touched) goes to the server through {@link
 * TargetWorkload} and {@link KubernetesReplicaRuntime}, whatever this is.
 */
public interface KubernetesReads {

  /** The StatefulSet {@code namespace/name}; empty when it does not exist. */
  Optional<StatefulSet> statefulSet(String namespace, String name);

  /** The pod {@code namespace/name}; empty when it does not exist. */
  Optional<Pod> pod(String namespace, String name);

  /** Whether the reads come from caches (a GET would then be the fresh read). */
  boolean cached();

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
    };
  }

  /**
   * Reads from caches keyed by {@link ResourceID} (JOSDK's informer event sources, or any informer
   * store).
   */
  static KubernetesReads cached(
      Function<ResourceID, Optional<StatefulSet>> statefulSets,
      Function<ResourceID, Optional<Pod>> pods) {
    Objects.requireNonNull(statefulSets, "statefulSets");
    Objects.requireNonNull(pods, "pods");
    return new KubernetesReads() {
      @Override
      public Optional<StatefulSet> statefulSet(String namespace, String name) {
        return statefulSets.apply(new ResourceID(name, namespace));
      }

      @Override
      public Optional<Pod> pod(String namespace, String name) {
        return pods.apply(new ResourceID(name, namespace));
      }

      @Override
      public boolean cached() {
        return true;
      }
    };
  }
}
