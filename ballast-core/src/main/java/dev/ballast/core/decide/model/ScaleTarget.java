package dev.ballast.core.decide.model;

/**
 * The target's autoscaling/v1 Scale: {@code spec.replicas} (the current replica count the decision
 * starts from), {@code status.replicas} (used by Object/External AverageValue targets) and {@code
 * status.selector}, the label selector of its pods in string form. The selector is null when no
 * Kubernetes Scale is involved (a runtime that lists its members itself); otherwise the HPA's
 * selector rule applies: an empty or unparsable selector stops autoscaling ({@code
 * ScalingActive=False}, reason {@code InvalidSelector}).
 */
public record ScaleTarget(int specReplicas, int statusReplicas, String selector) {
  public ScaleTarget {
    if (specReplicas < 0 || statusReplicas < 0) {
      throw new IllegalArgumentException("replica counts must be >= 0");
    }
  }

  /** A Scale with no selector involved (see the type's comment). */
  public ScaleTarget(int specReplicas, int statusReplicas) {
    this(specReplicas, statusReplicas, null);
  }

  /** A Scale whose status matches its spec, with no selector involved. */
  public static ScaleTarget of(int replicas) {
    return new ScaleTarget(replicas, replicas);
  }
}
