package dev.ballast.core.decide.model;

import java.time.Duration;
import java.util.Objects;

/**
 * The controller-wide settings of kube-controller-manager that shape an HPA decision: the tolerance
 * band (a ratio, 0.1 = ±10 %), the CPU initialization period, the initial readiness delay and the
 * downscale stabilization window used when {@code behavior} does not set one.
 */
public record ControllerSettings(
    double tolerance,
    Duration cpuInitializationPeriod,
    Duration initialReadinessDelay,
    Duration downscaleStabilizationWindow) {

  /** Kubernetes' production defaults: 0.1, 5 min, 30 s, 5 min. */
  public static final ControllerSettings DEFAULTS =
      new ControllerSettings(
          0.1, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(5));

  public ControllerSettings {
    Objects.requireNonNull(cpuInitializationPeriod, "cpuInitializationPeriod");
    Objects.requireNonNull(initialReadinessDelay, "initialReadinessDelay");
    Objects.requireNonNull(downscaleStabilizationWindow, "downscaleStabilizationWindow");
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be a finite number >= 0: " + tolerance);
    }
    if (cpuInitializationPeriod.isNegative()
        || initialReadinessDelay.isNegative()
        || downscaleStabilizationWindow.isNegative()) {
      throw new IllegalArgumentException("controller durations must not be negative");
    }
  }

  public static ControllerSettings defaults() {
    return DEFAULTS;
  }

  public ControllerSettings withTolerance(double value) {
    return new ControllerSettings(
        value, cpuInitializationPeriod, initialReadinessDelay, downscaleStabilizationWindow);
  }

  public ControllerSettings withDownscaleStabilizationWindow(Duration value) {
    return new ControllerSettings(tolerance, cpuInitializationPeriod, initialReadinessDelay, value);
  }

  public ControllerSettings withCpuInitializationPeriod(Duration value) {
    return new ControllerSettings(
        tolerance, value, initialReadinessDelay, downscaleStabilizationWindow);
  }

  public ControllerSettings withInitialReadinessDelay(Duration value) {
    return new ControllerSettings(
        tolerance, cpuInitializationPeriod, value, downscaleStabilizationWindow);
  }
}
