package dev.ballast.core.decide.model;

import java.util.List;
import java.util.Objects;

/**
 * The {@code behavior} of an autoscaling/v2 autoscaler with Kubernetes' API defaults applied (see
 * {@link #of}). An autoscaler without behavior uses the controller's legacy rules instead: the
 * engine receives {@code null}, not this record.
 */
public record Behavior(ScalingRules scaleUp, ScalingRules scaleDown) {

  /** Scale-up defaults: no stabilization, the larger of 4 pods and 100 % per 15 s. */
  public static final ScalingRules DEFAULT_SCALE_UP =
      new ScalingRules(
          0,
          ScalingRules.SelectPolicy.MAX,
          List.of(ScalingPolicy.pods(4, 15), ScalingPolicy.percent(100, 15)),
          null);

  /**
   * Scale-down defaults: the controller's downscale stabilization window (null here), 100 % per 15
   * s.
   */
  public static final ScalingRules DEFAULT_SCALE_DOWN =
      new ScalingRules(
          null, ScalingRules.SelectPolicy.MAX, List.of(ScalingPolicy.percent(100, 15)), null);

  public Behavior {
    Objects.requireNonNull(scaleUp, "scaleUp");
    Objects.requireNonNull(scaleDown, "scaleDown");
    if (scaleUp.selectPolicy() == null || scaleUp.policies() == null) {
      throw new IllegalArgumentException("use Behavior.of to apply defaults to scaleUp");
    }
    if (scaleDown.selectPolicy() == null || scaleDown.policies() == null) {
      throw new IllegalArgumentException("use Behavior.of to apply defaults to scaleDown");
    }
    if (scaleUp.stabilizationWindowSeconds() == null) {
      throw new IllegalArgumentException("use Behavior.of to apply defaults to scaleUp");
    }
  }

  /**
   * A behavior given (perhaps partly) by the user, with every unset field filled from Kubernetes'
   * defaults, field by field, as the API server's defaulting does. Either argument may be null.
   */
  public static Behavior of(ScalingRules scaleUp, ScalingRules scaleDown) {
    return new Behavior(DEFAULT_SCALE_UP.overlay(scaleUp), DEFAULT_SCALE_DOWN.overlay(scaleDown));
  }

  /** A behavior given as {@code {}}: all defaults. */
  public static Behavior defaults() {
    return of(null, null);
  }
}
