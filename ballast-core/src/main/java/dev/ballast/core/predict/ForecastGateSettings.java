package dev.ballast.core.predict;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code prediction.gate} settings: how far the forecast is trusted by its track record ({@link
 * ForecastGate}). {@code memory} is the number of resolved claims (predicted rises of at least one
 * member's worth of load) the accuracy averages over; the forecast stops being trusted when its
 * accuracy falls below {@code minAccuracy} and is trusted again once it reaches {@code
 * resumeAccuracy} (the hysteresis keeps the gate from flapping). {@code minAccuracy} 0 turns the
 * gate off: the forecast is always trusted.
 */
public record ForecastGateSettings(double minAccuracy, double resumeAccuracy, int memory) {

  /** The margin {@code resumeAccuracy} lies above {@code minAccuracy} unless set. */
  public static final double DEFAULT_HYSTERESIS = 0.15;

  /** The claims the accuracy averages over unless set. */
  public static final int DEFAULT_MEMORY = 30;

  /**
   * The defaults, in one place: trust lost below an accuracy of 0.3 and regained at 0.45, averaged
   * over about 30 claims; chosen on the README's backtest and on bursts at random times.
   */
  public static ForecastGateSettings defaults() {
    return withMinAccuracy(0.3);
  }

  /**
   * The defaults with {@code minAccuracy}, and {@code resumeAccuracy} {@value #DEFAULT_HYSTERESIS}
   * above it (at most 1).
   */
  public static ForecastGateSettings withMinAccuracy(double minAccuracy) {
    return new ForecastGateSettings(
        minAccuracy, defaultResumeAccuracy(minAccuracy), DEFAULT_MEMORY);
  }

  /** {@code resumeAccuracy} when only {@code minAccuracy} is set. */
  public static double defaultResumeAccuracy(double minAccuracy) {
    return Math.min(1, minAccuracy + DEFAULT_HYSTERESIS);
  }

  /** A gate that always trusts the forecast (scale-ahead as it was before the gate). */
  public static ForecastGateSettings off() {
    return withMinAccuracy(0);
  }

  public ForecastGateSettings {
    List<String> problems = problems(minAccuracy, resumeAccuracy, memory);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** Whether the gate can ever hold the forecast back ({@code minAccuracy} above 0). */
  public boolean enabled() {
    return minAccuracy > 0;
  }

  /**
   * Every problem with these values at once, each naming its field relative to the {@code
   * prediction} section ({@code gate.minAccuracy}); empty when valid.
   */
  public static List<String> problems(double minAccuracy, double resumeAccuracy, int memory) {
    List<String> out = new ArrayList<>();
    if (!(minAccuracy >= 0 && minAccuracy <= 1)) {
      out.add("gate.minAccuracy: must be in 0..1, was " + minAccuracy);
    } else if (!(resumeAccuracy >= minAccuracy && resumeAccuracy <= 1)) {
      out.add(
          "gate.resumeAccuracy: must be in minAccuracy ("
              + minAccuracy
              + ")..1, was "
              + resumeAccuracy);
    }
    if (memory < 1) {
      out.add("gate.memory: must be >= 1, was " + memory);
    }
    return out;
  }
}
