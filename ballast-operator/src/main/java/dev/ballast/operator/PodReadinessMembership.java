package dev.ballast.operator;

import dev.ballast.core.port.Membership;
import dev.ballast.core.port.NoProtocolMembership;

/**
 * Membership {@code None} on Kubernetes: the application has no membership protocol, so a member
 * belongs to the cluster while its pod is Ready. Joining, draining and leaving are no-ops; health
 * is the pod's Ready condition, as the kubelet reports it from the pod's probes.
 */
public final class PodReadinessMembership {
  private PodReadinessMembership() {}

  /** The membership of the pods {@code runtime} scales. */
  public static Membership of(KubernetesReplicaRuntime runtime) {
    return new NoProtocolMembership(
        runtime::isPodReady,
        new NoProtocolMembership.Vocabulary(
            "ready",
            "not-ready",
            "pod Ready",
            "pod not Ready",
            "pods Ready",
            ordinal -> "pod " + runtime.target().podName(ordinal) + " is not Ready"));
  }
}
