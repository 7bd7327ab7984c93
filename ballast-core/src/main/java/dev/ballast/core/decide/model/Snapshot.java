package dev.ballast.core.decide.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one HPA decision needs: the evaluation instant, controller settings, the autoscaler,
 * the target's scale, the selected pods, the metric samples, and the controller's memory ({@code
 * history}: null means a first reconcile). Build one in code with {@link #builder()}.
 */
public record Snapshot(
    Instant now,
    ControllerSettings controller,
    Autoscaler autoscaler,
    ScaleTarget scale,
    List<PodInfo> pods,
    List<PodUsage> podMetrics,
    List<CustomMetricValue> customMetrics,
    List<ExternalMetricValue> externalMetrics,
    History history) {

  public Snapshot {
    Objects.requireNonNull(now, "now");
    controller = controller == null ? ControllerSettings.DEFAULTS : controller;
    Objects.requireNonNull(autoscaler, "autoscaler");
    Objects.requireNonNull(scale, "scale");
    pods = List.copyOf(pods);
    podMetrics = List.copyOf(podMetrics);
    customMetrics = List.copyOf(customMetrics);
    externalMetrics = List.copyOf(externalMetrics);
    history = history == null ? History.FIRST_RECONCILE : history;
  }

  /** A snapshot with the same inputs and another history (to chain decisions). */
  public Snapshot withHistory(History value) {
    return new Snapshot(
        now,
        controller,
        autoscaler,
        scale,
        pods,
        podMetrics,
        customMetrics,
        externalMetrics,
        value);
  }

  /** A snapshot with the same inputs evaluated at another instant. */
  public Snapshot withNow(Instant value) {
    return new Snapshot(
        value,
        controller,
        autoscaler,
        scale,
        pods,
        podMetrics,
        customMetrics,
        externalMetrics,
        history);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds snapshots in a few lines for tests, the simulator and the local loop, e.g. {@code
   * Snapshot.builder().now(t).replicas(3).autoscaler(Autoscaler.of(1, 10, spec))
   * .readyPodsWithCpu(List.of(800L, 900L, 700L), 500).build()}. Defaults: controller defaults,
   * first reconcile, no pods, no samples; {@code now} and the autoscaler are required.
   */
  public static final class Builder {
    private Instant now;
    private ControllerSettings controller = ControllerSettings.DEFAULTS;
    private Autoscaler autoscaler;
    private ScaleTarget scale;
    private final List<PodInfo> pods = new ArrayList<>();
    private final List<PodUsage> podMetrics = new ArrayList<>();
    private final List<CustomMetricValue> customMetrics = new ArrayList<>();
    private final List<ExternalMetricValue> externalMetrics = new ArrayList<>();
    private History history;
    private String podPrefix = "pod-";
    private Duration metricWindow = Duration.ofSeconds(30);

    private Builder() {}

    public Builder now(Instant value) {
      this.now = value;
      return this;
    }

    public Builder controller(ControllerSettings value) {
      this.controller = value;
      return this;
    }

    public Builder autoscaler(Autoscaler value) {
      this.autoscaler = value;
      return this;
    }

    /** Current replicas: both {@code scale.spec.replicas} and {@code scale.status.replicas}. */
    public Builder replicas(int value) {
      this.scale = ScaleTarget.of(value);
      return this;
    }

    public Builder scale(ScaleTarget value) {
      this.scale = value;
      return this;
    }

    public Builder history(History value) {
      this.history = value;
      return this;
    }

    /** Prefix of generated pod names ({@code pod-0}, {@code pod-1}...). */
    public Builder podPrefix(String value) {
      this.podPrefix = value;
      return this;
    }

    /** The window of generated resource samples (default 30 s). */
    public Builder metricWindow(Duration value) {
      this.metricWindow = value;
      return this;
    }

    public Builder pod(PodInfo pod) {
      pods.add(pod);
      return this;
    }

    public Builder pods(List<PodInfo> values) {
      pods.addAll(values);
      return this;
    }

    public Builder podUsage(PodUsage usage) {
      podMetrics.add(usage);
      return this;
    }

    public Builder customMetric(CustomMetricValue value) {
      customMetrics.add(value);
      return this;
    }

    public Builder externalMetric(ExternalMetricValue value) {
      externalMetrics.add(value);
      return this;
    }

    /** One External series with no labels. */
    public Builder externalMetric(String name, long valueMilli) {
      return externalMetric(new ExternalMetricValue(name, Map.of(), requireNow(), valueMilli));
    }

    /** The value of an Object metric for {@code ref}. */
    public Builder objectMetric(ObjectReference ref, String metricName, long valueMilli) {
      return customMetric(new CustomMetricValue(ref, metricName, requireNow(), null, valueMilli));
    }

    /**
     * Ready pods (started 10 minutes before {@code now}, past any CPU initialization period), each
     * requesting {@code requestMilli} of cpu and using the given cpu in milli-cores.
     */
    public Builder readyPodsWithCpu(List<Long> usageMilli, long requestMilli) {
      return readyPodsWithResource("cpu", usageMilli, requestMilli);
    }

    /** Like {@link #readyPodsWithCpu} for any resource (memory in bytes × 1000). */
    public Builder readyPodsWithResource(
        String resource, List<Long> usageMilli, long requestMilli) {
      Instant start = requireNow().minus(Duration.ofMinutes(10));
      int base = pods.size();
      for (int i = 0; i < usageMilli.size(); i++) {
        String name = podPrefix + (base + i);
        pods.add(PodInfo.running(name, start, Map.of(resource, requestMilli)));
        if (usageMilli.get(i) != null) {
          podMetrics.add(
              PodUsage.of(name, now.minusSeconds(5), metricWindow, resource, usageMilli.get(i)));
        }
      }
      return this;
    }

    /**
     * Ready pods with per-pod values (milli-units) of the {@code Pods} metric {@code metricName}; a
     * null value leaves that pod without a sample.
     */
    public Builder readyPodsWithMetric(String metricName, List<Long> valuesMilli) {
      Instant start = requireNow().minus(Duration.ofMinutes(10));
      int base = pods.size();
      for (int i = 0; i < valuesMilli.size(); i++) {
        String name = podPrefix + (base + i);
        pods.add(PodInfo.running(name, start));
        if (valuesMilli.get(i) != null) {
          customMetrics.add(
              CustomMetricValue.forPod(name, metricName, now.minusSeconds(5), valuesMilli.get(i)));
        }
      }
      return this;
    }

    /**
     * Attaches values (milli-units) of the {@code Pods} metric {@code metricName} to the pods
     * already added, in order; a null value leaves that pod without a sample. Use it to give the
     * same pods several metrics, e.g. after {@link #readyPodsWithCpu}.
     */
    public Builder metricForPods(String metricName, List<Long> valuesMilli) {
      if (valuesMilli.size() > pods.size()) {
        throw new IllegalArgumentException(
            valuesMilli.size() + " values for " + pods.size() + " pods");
      }
      for (int i = 0; i < valuesMilli.size(); i++) {
        if (valuesMilli.get(i) != null) {
          customMetrics.add(
              CustomMetricValue.forPod(
                  pods.get(i).name(),
                  metricName,
                  requireNow().minusSeconds(5),
                  valuesMilli.get(i)));
        }
      }
      return this;
    }

    /** {@code count} running, ready pods without requests or samples. */
    public Builder readyPods(int count) {
      Instant start = requireNow().minus(Duration.ofMinutes(10));
      int base = pods.size();
      for (int i = 0; i < count; i++) {
        pods.add(PodInfo.running(podPrefix + (base + i), start));
      }
      return this;
    }

    private Instant requireNow() {
      if (now == null) {
        throw new IllegalStateException("set now(...) before adding pods or samples");
      }
      return now;
    }

    public Snapshot build() {
      Objects.requireNonNull(autoscaler, "autoscaler");
      ScaleTarget s = scale != null ? scale : ScaleTarget.of(pods.size());
      return new Snapshot(
          requireNow(),
          controller,
          autoscaler,
          s,
          pods,
          podMetrics,
          customMetrics,
          externalMetrics,
          history);
    }
  }
}
