package dev.ballast.core.policy;

import java.util.Optional;

/** Keeps a proposal within {@code minReplicas..maxReplicas}. */
public final class BoundsRule implements SizeRule {

  @Override
  public Optional<Clamp> apply(int proposed, int current, ScalingPolicy policy) {
    if (proposed < policy.minReplicas()) {
      return Optional.of(
          new Clamp(
              ClampReason.BELOW_MIN,
              proposed,
              policy.minReplicas(),
              proposed + " is below minReplicas " + policy.minReplicas()));
    }
    if (proposed > policy.maxReplicas()) {
      return Optional.of(
          new Clamp(
              ClampReason.ABOVE_MAX,
              proposed,
              policy.maxReplicas(),
              proposed + " is above maxReplicas " + policy.maxReplicas()));
    }
    return Optional.empty();
  }
}
