package dev.ballast.core.decide.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One {@code custom.metrics.k8s.io} MetricValue: the value (milli-units) of metric {@code
 * metricName} for {@code describedObject}; per pod for {@code Pods} metrics, one object for {@code
 * Object} metrics. A null window means the API's default of one minute.
 */
public record CustomMetricValue(
    ObjectReference describedObject,
    String metricName,
    Instant timestamp,
    Duration window,
    long valueMilli) {

  /** The window the HPA assumes when a custom metric gives none. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

  public CustomMetricValue {
    Objects.requireNonNull(describedObject, "describedObject");
    Objects.requireNonNull(metricName, "metricName");
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /** A per-pod value of a {@code Pods} metric. */
  public static CustomMetricValue forPod(
      String pod, String metricName, Instant timestamp, long valueMilli) {
    return new CustomMetricValue(
        ObjectReference.of("Pod", pod), metricName, timestamp, null, valueMilli);
  }

  /** The window, or the one-minute default. */
  public Duration effectiveWindow() {
    return window == null ? DEFAULT_WINDOW : window;
  }
}
