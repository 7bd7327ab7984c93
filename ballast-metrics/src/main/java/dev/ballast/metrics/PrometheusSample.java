package dev.ballast.metrics;

import java.util.Map;
import java.util.Objects;

/**
 * One sample line of the Prometheus text format: metric name, labels, value, and the optional
 * timestamp in milliseconds since the epoch ({@code null} when absent).
 */
public record PrometheusSample(
    String name, Map<String, String> labels, double value, Long timestampMillis) {
  public PrometheusSample {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
  }
}
