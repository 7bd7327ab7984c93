package dev.ballast.core.decide.model;

import java.util.List;
import java.util.Objects;

/**
 * The parts of an autoscaling/v2 HorizontalPodAutoscaler the decision reads: min/max replicas (min
 * defaults to 1), the metrics, the behavior (null: the controller's legacy rules) and the current
 * status conditions.
 */
public record Autoscaler(
    int minReplicas,
    int maxReplicas,
    List<MetricSpec> metrics,
    Behavior behavior,
    List<Condition> conditions) {

  /** The metric Kubernetes' API defaulting adds when none is given: cpu at 80 % of requests. */
  public static final MetricSpec DEFAULT_METRIC = MetricSpec.cpuUtilization(80);

  public Autoscaler {
    metrics = metrics == null || metrics.isEmpty() ? List.of(DEFAULT_METRIC) : List.copyOf(metrics);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
    if (minReplicas < 0) {
      throw new IllegalArgumentException("minReplicas must be >= 0: " + minReplicas);
    }
    if (maxReplicas < 1) {
      throw new IllegalArgumentException("maxReplicas must be >= 1: " + maxReplicas);
    }
    if (maxReplicas < minReplicas) {
      throw new IllegalArgumentException(
          "maxReplicas (" + maxReplicas + ") must be >= minReplicas (" + minReplicas + ")");
    }
    for (MetricSpec m : metrics) {
      Objects.requireNonNull(m, "metrics");
    }
  }

  /** An autoscaler with these bounds and metrics, no behavior (legacy rules) and no conditions. */
  public static Autoscaler of(int minReplicas, int maxReplicas, MetricSpec... metrics) {
    return new Autoscaler(minReplicas, maxReplicas, List.of(metrics), null, List.of());
  }

  public Autoscaler withBehavior(Behavior value) {
    return new Autoscaler(minReplicas, maxReplicas, metrics, value, conditions);
  }

  public Autoscaler withConditions(List<Condition> value) {
    return new Autoscaler(minReplicas, maxReplicas, metrics, behavior, value);
  }

  public Autoscaler withMetrics(List<MetricSpec> value) {
    return new Autoscaler(minReplicas, maxReplicas, value, behavior, conditions);
  }
}
