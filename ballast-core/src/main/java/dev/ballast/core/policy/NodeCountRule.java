package dev.ballast.core.policy;

import java.util.Optional;

/**
 * Sets the proposal to the size the node count calls for ({@link NodeCountSizing}), before the
 * bounds, allowed sizes and shrink policy apply; holds the current size when the node count is
 * unknown. Passes every proposal when the policy has no such sizing.
 */
public final class NodeCountRule implements SizeRule {
  @Override
  public Optional<Clamp> apply(int proposed, int current, ScalingPolicy policy) {
    NodeRules rules = policy.nodes();
    if (rules.sizing().isEmpty()) {
      return Optional.empty();
    }
    NodeCountSizing sizing = rules.sizing().get();
    if (rules.nodeCount().isEmpty()) {
      return proposed == current
          ? Optional.empty()
          : Optional.of(
              new Clamp(
                  ClampReason.NODE_COUNT,
                  proposed,
                  current,
                  "the node count is unknown; holding "
                      + current
                      + " ("
                      + sizing.describe()
                      + ")"));
    }
    int nodes = rules.nodeCount().getAsInt();
    int size = sizing.sizeFor(nodes);
    if (size == proposed) {
      return Optional.empty();
    }
    return Optional.of(
        new Clamp(
            ClampReason.NODE_COUNT,
            proposed,
            size,
            nodes
                + " schedulable nodes call for "
                + size
                + " members ("
                + sizing.describe()
                + ")"));
  }
}
