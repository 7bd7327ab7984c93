package dev.ballast.core.policy;

/**
 * What the autoscaler does when a metric it needs cannot be read. Ballast never shrinks on missing
 * data, whatever the choice.
 */
public enum OnMetricFailure {
  /** Keep the current size until the metrics come back (the default). */
  HOLD,
  /** Grow to {@code maxReplicas}, for workloads where running short is worse than running big. */
  SCALE_TO_MAX
}
