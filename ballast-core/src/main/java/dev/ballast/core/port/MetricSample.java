package dev.ballast.core.port;

import java.time.Instant;
import java.util.Map;

/** Values of one metric at {@code timestamp}, by member ordinal, in the metric's own unit. */
public record MetricSample(String metricName, Instant timestamp, Map<Integer, Double> byOrdinal) {
  public MetricSample {
    byOrdinal = Map.copyOf(byOrdinal);
  }
}
