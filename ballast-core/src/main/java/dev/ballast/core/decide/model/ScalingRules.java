package dev.ballast.core.decide.model;

import java.util.List;

/**
 * The rules of one direction of {@code behavior} ({@code scaleUp} or {@code scaleDown}). Every
 * field may be {@code null} in user input; {@link Behavior#of} fills them with Kubernetes'
 * defaults. A {@code null} {@code stabilizationWindowSeconds} of {@code scaleDown} stays null and
 * then means the controller's downscale stabilization window.
 */
public record ScalingRules(
    Integer stabilizationWindowSeconds,
    SelectPolicy selectPolicy,
    List<ScalingPolicy> policies,
    Double tolerance) {

  /** How several policies combine: the largest change, the smallest, or no scaling at all. */
  public enum SelectPolicy {
    MAX("Max"),
    MIN("Min"),
    DISABLED("Disabled");

    private final String apiName;

    SelectPolicy(String apiName) {
      this.apiName = apiName;
    }

    public String apiName() {
      return apiName;
    }
  }

  public ScalingRules {
    if (stabilizationWindowSeconds != null
        && (stabilizationWindowSeconds < 0 || stabilizationWindowSeconds > 3600)) {
      throw new IllegalArgumentException(
          "stabilizationWindowSeconds must be in 0..3600: " + stabilizationWindowSeconds);
    }
    if (policies != null) {
      policies = List.copyOf(policies);
      if (policies.isEmpty()) {
        throw new IllegalArgumentException("policies must list at least one policy");
      }
    }
    if (tolerance != null && !(tolerance >= 0 && !tolerance.isInfinite())) {
      throw new IllegalArgumentException("tolerance must be a number >= 0: " + tolerance);
    }
  }

  /** Rules with nothing set: every field takes the default. */
  public static ScalingRules unset() {
    return new ScalingRules(null, null, null, null);
  }

  public static ScalingRules of(
      Integer stabilizationWindowSeconds, SelectPolicy selectPolicy, ScalingPolicy... policies) {
    return new ScalingRules(
        stabilizationWindowSeconds,
        selectPolicy,
        policies.length == 0 ? null : List.of(policies),
        null);
  }

  public ScalingRules withTolerance(Double value) {
    return new ScalingRules(stabilizationWindowSeconds, selectPolicy, policies, value);
  }

  public ScalingRules withStabilizationWindowSeconds(Integer value) {
    return new ScalingRules(value, selectPolicy, policies, tolerance);
  }

  public ScalingRules withSelectPolicy(SelectPolicy value) {
    return new ScalingRules(stabilizationWindowSeconds, value, policies, tolerance);
  }

  public ScalingRules withPolicies(ScalingPolicy... value) {
    return new ScalingRules(stabilizationWindowSeconds, selectPolicy, List.of(value), tolerance);
  }

  /** The longest policy period in seconds, 0 without policies. */
  public int longestPeriodSeconds() {
    int longest = 0;
    if (policies != null) {
      for (ScalingPolicy p : policies) {
        longest = Math.max(longest, p.periodSeconds());
      }
    }
    return longest;
  }

  /** Copies every non-null field of {@code from} over these defaults (Kubernetes' rule). */
  ScalingRules overlay(ScalingRules from) {
    if (from == null) {
      return this;
    }
    return new ScalingRules(
        from.stabilizationWindowSeconds != null
            ? from.stabilizationWindowSeconds
            : stabilizationWindowSeconds,
        from.selectPolicy != null ? from.selectPolicy : selectPolicy,
        from.policies != null ? from.policies : policies,
        from.tolerance != null ? from.tolerance : tolerance);
  }
}
