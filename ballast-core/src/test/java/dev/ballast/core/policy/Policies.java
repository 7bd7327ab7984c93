package dev.ballast.core.policy;

import java.util.List;

/** Policies used across the rule tests. */
final class Policies {
  private Policies() {}

  static ScalingPolicy oddSizes() {
    return ScalingPolicy.builder()
        .minReplicas(3)
        .maxReplicas(7)
        .allowedReplicas(List.of(3, 5, 7))
        .build();
  }

  static ScalingPolicy bounds(int min, int max) {
    return ScalingPolicy.builder().minReplicas(min).maxReplicas(max).build();
  }

  static ScalingPolicy noShrink(int min, int max) {
    return ScalingPolicy.builder()
        .minReplicas(min)
        .maxReplicas(max)
        .shrink(ShrinkPolicy.DISABLED)
        .build();
  }
}
