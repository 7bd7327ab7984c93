package dev.ballast.core.decide.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code external.metrics.k8s.io} ExternalMetricValue: a series of metric {@code metricName}
 * with its labels and value in milli-units. An External metric sums every matching series.
 */
public record ExternalMetricValue(
    String metricName, Map<String, String> labels, Instant timestamp, long valueMilli) {
  public ExternalMetricValue {
    Objects.requireNonNull(metricName, "metricName");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(timestamp, "timestamp");
  }
}
