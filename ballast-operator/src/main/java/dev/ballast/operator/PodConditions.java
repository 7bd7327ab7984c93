package dev.ballast.operator;

import io.fabric8.kubernetes.api.model.Pod;

/** Reads a pod's conditions as the kubelet reports them. */
final class PodConditions {
  private PodConditions() {}

  /** Whether {@code pod} exists, is not being deleted and its Ready condition is True. */
  static boolean ready(Pod pod) {
    if (pod == null
        || pod.getMetadata().getDeletionTimestamp() != null
        || pod.getStatus() == null
        || pod.getStatus().getConditions() == null) {
      return false;
    }
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
