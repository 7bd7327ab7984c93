package dev.ballast.core.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The chain of stateful rules the autoscaler applies after the HPA arithmetic: each rule sees the
 * previous one's result. {@link #standard()} is the node count sizing (when the policy has one),
 * bounds, allowed sizes, then the shrink policy.
 */
public final class SizeRules {
  private final List<SizeRule> rules;

  private SizeRules(List<SizeRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** Node count sizing, bounds, allowed sizes (round up), shrink policy. */
  public static SizeRules standard() {
    return of(new NodeCountRule(), new BoundsRule(), new AllowedSizesRule(), new ShrinkRule());
  }

  /** A chain of the given rules, applied in order. */
  public static SizeRules of(SizeRule... rules) {
    return new SizeRules(List.of(rules));
  }

  /** The final size for {@code proposed} when the cluster has {@code current} members. */
  public SizeDecision apply(int proposed, int current, ScalingPolicy policy) {
    List<Clamp> clamps = new ArrayList<>();
    int size = proposed;
    for (SizeRule rule : rules) {
      var clamp = rule.apply(size, current, policy);
      if (clamp.isPresent()) {
        clamps.add(clamp.get());
        size = clamp.get().after();
      }
    }
    return new SizeDecision(current, proposed, size, clamps);
  }
}
