package dev.ballast.core.decide.model;

import java.util.List;

/**
 * The outcome of one metric: its replica proposal (null when it could not be computed, then {@code
 * error} and {@code errorReason} say why), current value, pods per class, each pod's verdict, and
 * {@code steps}: the calculation in words and numbers, in order.
 */
public record MetricResult(
    MetricSpec spec,
    Integer proposedReplicas,
    MetricValue current,
    PodCounts pods,
    List<PodVerdict> podVerdicts,
    List<String> steps,
    String error,
    String errorReason) {

  public MetricResult {
    podVerdicts = List.copyOf(podVerdicts);
    steps = List.copyOf(steps);
  }

  public boolean isValid() {
    return error == null;
  }
}
