package dev.ballast.core.decide.model;

import java.util.Objects;

/**
 * The target of one autoscaling/v2 metric: {@code Utilization} (a whole percentage of the pods'
 * requests), {@code AverageValue} or {@code Value} (both in milli-units, as Kubernetes' {@code
 * MilliValue()}).
 */
public record MetricTarget(Type type, long amount) {

  /** The target types of autoscaling/v2. */
  public enum Type {
    UTILIZATION("Utilization"),
    AVERAGE_VALUE("AverageValue"),
    VALUE("Value");

    private final String apiName;

    Type(String apiName) {
      this.apiName = apiName;
    }

    /** The name as written in the Kubernetes API. */
    public String apiName() {
      return apiName;
    }
  }

  public MetricTarget {
    Objects.requireNonNull(type, "type");
    if (type == Type.UTILIZATION && (amount <= 0 || amount > Integer.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "averageUtilization must be a positive integer: " + amount);
    }
    if (type != Type.UTILIZATION && amount <= 0) {
      throw new IllegalArgumentException(type.apiName() + " target must be positive: " + amount);
    }
  }

  /** A target utilization in percent of the request. */
  public static MetricTarget utilization(int percent) {
    return new MetricTarget(Type.UTILIZATION, percent);
  }

  /** A target average per pod, in milli-units. */
  public static MetricTarget averageValueMilli(long milli) {
    return new MetricTarget(Type.AVERAGE_VALUE, milli);
  }

  /** A target average per pod, in whole units. */
  public static MetricTarget averageValue(long units) {
    return averageValueMilli(Math.multiplyExact(units, 1000L));
  }

  /** A target total value, in milli-units. */
  public static MetricTarget valueMilli(long milli) {
    return new MetricTarget(Type.VALUE, milli);
  }

  /** A target total value, in whole units. */
  public static MetricTarget value(long units) {
    return valueMilli(Math.multiplyExact(units, 1000L));
  }
}
