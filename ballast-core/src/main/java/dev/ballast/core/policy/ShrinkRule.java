package dev.ballast.core.policy;

import java.util.Optional;

/** Holds the current size when a proposal would shrink a cluster whose shrink policy forbids it. */
public final class ShrinkRule implements SizeRule {

  @Override
  public Optional<Clamp> apply(int proposed, int current, ScalingPolicy policy) {
    if (proposed < current && policy.shrink() == ShrinkPolicy.DISABLED) {
      return Optional.of(
          new Clamp(
              ClampReason.SHRINK_DISABLED,
              proposed,
              current,
              "shrinking is disabled; holding at " + current + " instead of " + proposed));
    }
    return Optional.empty();
  }
}
