package dev.ballast.operator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every meter the operator exports, named in one place ({@code ballast_} prefix, tags {@code
 * action}, {@code reason}, {@code outcome}). The core emits none: it returns data that these count.
 */
public final class OperatorMetrics {
  public static final String DECISIONS = "ballast_decisions";
  public static final String OPERATIONS = "ballast_operations";
  public static final String STAGE_DURATION = "ballast_stage_duration";
  public static final String RECONCILE_DURATION = "ballast_reconcile_duration";
  public static final String METRIC_FETCH_ERRORS = "ballast_metric_fetch_errors";
  public static final String REPLICAS = "ballast_replicas";
  public static final String DESIRED_REPLICAS = "ballast_desired_replicas";

  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> replicas = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> desired = new ConcurrentHashMap<>();

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The registry the meters live in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** One decision: {@code action} scale-up, scale-down or hold; {@code reason} why. */
  public void decision(String action, String reason) {
    registry.counter(DECISIONS, Tags.of("action", action, "reason", reason)).increment();
  }

  /** One operation event (a core event reason such as ScaledUp or StepFailed). */
  public void operation(String reason, String outcome) {
    registry.counter(OPERATIONS, Tags.of("reason", reason, "outcome", outcome)).increment();
  }

  /** How long a stage took. */
  public void stage(String action, Duration took) {
    registry.timer(STAGE_DURATION, Tags.of("action", action)).record(took);
  }

  /** A timer of one reconcile. */
  public Timer reconcileTimer() {
    return registry.timer(RECONCILE_DURATION);
  }

  /** A metric that could not be read. */
  public void metricFetchError(String metric) {
    registry.counter(METRIC_FETCH_ERRORS, Tags.of("reason", metric)).increment();
  }

  /** The current and desired size of one target, {@code namespace/name}. */
  public void replicas(String target, int current, int wanted) {
    gauge(replicas, REPLICAS, target).set(current);
    gauge(desired, DESIRED_REPLICAS, target).set(wanted);
  }

  private AtomicInteger gauge(Map<String, AtomicInteger> gauges, String name, String target) {
    return gauges.computeIfAbsent(
        target, t -> registry.gauge(name, Tags.of("target", t), new AtomicInteger()));
  }
}
