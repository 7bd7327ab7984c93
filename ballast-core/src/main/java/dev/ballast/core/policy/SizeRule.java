package dev.ballast.core.policy;

import java.util.Optional;

/**
 * One stateful rule applied to a proposed size (after the HPA arithmetic): returns a {@link Clamp}
 * when it changes or holds the proposal, empty when the proposal passes unchanged.
 */
@FunctionalInterface
public interface SizeRule {
  Optional<Clamp> apply(int proposed, int current, ScalingPolicy policy);
}
