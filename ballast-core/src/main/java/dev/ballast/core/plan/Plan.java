package dev.ballast.core.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The ordered single-member steps that take a cluster from {@code from} to {@code to} members in
 * StatefulSet order: growing adds the next ordinal, shrinking removes the highest one.
 */
public record Plan(int from, int to, List<Step> steps) {
  public Plan {
    steps = List.copyOf(steps);
  }

  /** The steps between two sizes; empty when they are equal. */
  public static Plan between(int from, int to) {
    if (from < 0 || to < 0) {
      throw new IllegalArgumentException("sizes must be >= 0, were " + from + " and " + to);
    }
    List<Step> steps = new ArrayList<>();
    for (int size = from; size < to; size++) {
      steps.add(Step.add(size));
    }
    for (int size = from; size > to; size--) {
      steps.add(Step.remove(size - 1));
    }
    return new Plan(from, to, steps);
  }

  /** Whether the plan makes no change. */
  public boolean isEmpty() {
    return steps.isEmpty();
  }
}
