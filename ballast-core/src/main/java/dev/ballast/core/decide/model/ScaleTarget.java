package dev.ballast.core.decide.model;

/**
 * The target's autoscaling/v1 Scale: {@code spec.replicas} (the current replica count the decision
 * starts from) and {@code status.replicas} (used by Object/External AverageValue targets).
 */
public record ScaleTarget(int specReplicas, int statusReplicas) {
  public ScaleTarget {
    if (specReplicas < 0 || statusReplicas < 0) {
      throw new IllegalArgumentException("replica counts must be >= 0");
    }
  }

  public static ScaleTarget of(int replicas) {
    return new ScaleTarget(replicas, replicas);
  }
}
