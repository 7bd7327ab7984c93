package dev.ballast.core.vertical;

import java.time.Duration;

/**
 * How the recommender turns histograms into requests, with the VPA recommender's defaults: target
 * at the 90th percentile, lower bound at the 50th, upper bound at the 95th, each raised by a 15%
 * safety margin and to at least 25 millicores and 250 MiB; samples lose half their weight every 24
 * hours.
 */
public record VerticalSettings(
    double targetPercentile,
    double lowerPercentile,
    double upperPercentile,
    double safetyMargin,
    double minCpuCores,
    double minMemoryBytes,
    Duration halfLife) {
  public VerticalSettings {
    for (double p : new double[] {targetPercentile, lowerPercentile, upperPercentile}) {
      if (p <= 0 || p > 1) {
        throw new IllegalArgumentException("percentiles must be in (0, 1], was " + p);
      }
    }
    if (!(lowerPercentile <= targetPercentile && targetPercentile <= upperPercentile)) {
      throw new IllegalArgumentException("need lower <= target <= upper percentile");
    }
    if (safetyMargin < 0 || minCpuCores < 0 || minMemoryBytes < 0) {
      throw new IllegalArgumentException("margin and minimums must be >= 0");
    }
    if (halfLife.isZero() || halfLife.isNegative()) {
      throw new IllegalArgumentException("halfLife must be positive");
    }
  }

  /** The VPA recommender's defaults. */
  public static VerticalSettings defaults() {
    return new VerticalSettings(
        0.9, 0.5, 0.95, 0.15, 0.025, 250.0 * 1024 * 1024, Duration.ofHours(24));
  }
}
