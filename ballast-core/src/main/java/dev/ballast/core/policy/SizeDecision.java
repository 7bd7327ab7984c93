package dev.ballast.core.policy;

import java.util.List;

/**
 * The result of the stateful rules: the proposal, the final size, and every clamp applied on the
 * way, in order.
 */
public record SizeDecision(int current, int proposed, int replicas, List<Clamp> clamps) {
  public SizeDecision {
    clamps = List.copyOf(clamps);
  }

  /** Whether any rule changed or held the proposal. */
  public boolean clamped() {
    return !clamps.isEmpty();
  }

  /** Each clamp's message, for history records and explain output. */
  public List<String> reasons() {
    return clamps.stream().map(Clamp::message).toList();
  }
}
