package dev.ballast.core.decide.model;

import java.util.Objects;

/**
 * One rate policy of {@code behavior.scaleUp/scaleDown.policies}: at most {@code value} pods (or
 * percent of the replicas at the period's start) may be added or removed within {@code
 * periodSeconds}.
 */
public record ScalingPolicy(Type type, int value, int periodSeconds) {

  /** Pods or Percent. */
  public enum Type {
    PODS("Pods"),
    PERCENT("Percent");

    private final String apiName;

    Type(String apiName) {
      this.apiName = apiName;
    }

    public String apiName() {
      return apiName;
    }
  }

  public ScalingPolicy {
    Objects.requireNonNull(type, "type");
    if (value <= 0) {
      throw new IllegalArgumentException("policy value must be greater than zero: " + value);
    }
    if (periodSeconds <= 0 || periodSeconds > 1800) {
      throw new IllegalArgumentException(
          "policy periodSeconds must be in 1..1800: " + periodSeconds);
    }
  }

  public static ScalingPolicy pods(int value, int periodSeconds) {
    return new ScalingPolicy(Type.PODS, value, periodSeconds);
  }

  public static ScalingPolicy percent(int value, int periodSeconds) {
    return new ScalingPolicy(Type.PERCENT, value, periodSeconds);
  }

  @Override
  public String toString() {
    return type == Type.PODS
        ? value + (value == 1 ? " pod" : " pods") + " per " + periodSeconds + "s"
        : value + "% per " + periodSeconds + "s";
  }
}
