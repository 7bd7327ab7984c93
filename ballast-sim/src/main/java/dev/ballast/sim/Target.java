package dev.ballast.sim;

import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;

/**
 * The scaling target of a simulated policy. With {@code averageUtilization} (percent) the metric is
 * a {@code Resource} metric ({@code cpu} or {@code memory}) whose request is one member's capacity;
 * with {@code averageValue} it is a {@code Pods} metric named {@code metric} whose per-member value
 * is demand / serving members, in the trace's unit.
 */
public record Target(String metric, Integer averageUtilization, Double averageValue) {

  public Target {
    if ((averageUtilization == null) == (averageValue == null)) {
      throw new IllegalArgumentException("give exactly one of averageUtilization, averageValue");
    }
  }

  public static Target utilization(String resource, int percent) {
    return new Target(resource, percent, null);
  }

  public static Target averageValue(String metric, double value) {
    return new Target(metric, null, value);
  }

  public boolean isUtilization() {
    return averageUtilization != null;
  }

  /** The autoscaling/v2 metric the decision engine evaluates. */
  public MetricSpec toMetricSpec() {
    if (isUtilization()) {
      return MetricSpec.resourceUtilization(metric, averageUtilization);
    }
    return MetricSpec.pods(metric, MetricTarget.averageValueMilli(Math.round(averageValue * 1000)));
  }

  /** The target as a fraction of one member's capacity (0.7 for 70 %). */
  public double utilizationFraction(double capacityPerMember) {
    return isUtilization() ? averageUtilization / 100.0 : averageValue / capacityPerMember;
  }

  /** Readable form, e.g. {@code cpu 70%} or {@code load 350/member}. */
  public String describe() {
    return isUtilization()
        ? metric + " " + averageUtilization + "%"
        : metric + " " + averageValue + "/member";
  }
}
