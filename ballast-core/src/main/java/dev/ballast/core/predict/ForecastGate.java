package dev.ballast.core.predict;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * Trusts the forecast only as far as it has been right. After each completed sample interval, a
 * forecast that the load will rise within the planning horizon by at least one member's worth of
 * load ({@code minRise}), above both the last observed value and the forecast's own next value, is
 * a claim; once the horizon has passed, the claim is scored by the share of the predicted rise that
 * the observed load actually reached (1 as soon as it reaches the forecast, 0 when the load never
 * rose). The accuracy is the exponentially weighted mean of those scores over about {@code memory}
 * claims, starting at 1. The forecast stops being trusted when the accuracy falls below {@code
 * minAccuracy} and is trusted again once it reaches {@code resumeAccuracy}. Claims are made and
 * scored whether or not the forecast is trusted, so a forecaster that has learned the load's
 * pattern earns its trust back.
 *
 * <pre>
 *   base   = max(actual(last interval), forecast(next interval))
 *   claim:   forecastPeak(next h intervals) - base >= minRise
 *   score  = clamp((max actual over the h intervals - base) / (forecastPeak - base), 0, 1)
 *   accuracy = accuracy + (score - accuracy) / memory
 * </pre>
 *
 * Driven only by the observations (and the horizon and member target the predictor plans with), so
 * replaying the stored observations rebuilds it. Deterministic; mutable and not thread-safe.
 */
public final class ForecastGate {
  private final ForecastGateSettings settings;
  private final ArrayDeque<Claim> pending = new ArrayDeque<>();
  private int horizonIntervals;
  private double minRise = Double.POSITIVE_INFINITY;
  private double accuracy = 1;
  private long resolved;
  private boolean trusted = true;

  private static final class Claim {
    final double base;
    final double forecast;
    double reached;
    int remaining;

    Claim(double base, double forecast, int remaining) {
      this.base = base;
      this.forecast = forecast;
      this.reached = base;
      this.remaining = remaining;
    }
  }

  /** What the gate knows now, for {@code explain}. */
  public record State(
      boolean trusted,
      double accuracy,
      long resolvedClaims,
      int pendingClaims,
      ForecastGateSettings settings) {

    /**
     * The gate's state for people: {@code "trusted: accuracy 0.82, distrusted below 0.3 (40
     * predicted rises scored, 2 pending)"} or {@code "not trusted: accuracy 0.12 fell below 0.3,
     * trusted again at 0.45 (...)"}.
     */
    public String describe() {
      if (!settings.enabled()) {
        return "off (gate.minAccuracy 0): the forecast is always trusted";
      }
      String acc = String.format(Locale.ROOT, "%.2f", accuracy);
      String over =
          " (" + resolvedClaims + " predicted rises scored, " + pendingClaims + " pending)";
      if (trusted) {
        return "trusted: accuracy " + acc + ", distrusted below " + settings.minAccuracy() + over;
      }
      return "not trusted: accuracy "
          + acc
          + " fell below "
          + settings.minAccuracy()
          + ", trusted again at "
          + settings.resumeAccuracy()
          + over;
    }
  }

  public ForecastGate(ForecastGateSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Sets what later claims are made for: a horizon of {@code intervals} sample intervals and a
   * material rise of {@code minRise} (one member's worth of load, in the load's unit).
   */
  public void plan(int intervals, double minRise) {
    this.horizonIntervals = Math.max(1, intervals);
    this.minRise = minRise > 0 ? minRise : Double.POSITIVE_INFINITY;
  }

  /** Scores the pending claims against the observed mean of the interval that just completed. */
  void observed(double actual) {
    int n = pending.size();
    for (int i = 0; i < n; i++) {
      Claim c = pending.poll();
      c.reached = Math.max(c.reached, actual);
      c.remaining--;
      if (c.reached >= c.forecast) {
        score(1);
      } else if (c.remaining <= 0) {
        score(Math.max(0, (c.reached - c.base) / (c.forecast - c.base)));
      } else {
        pending.add(c);
      }
    }
  }

  /**
   * Records the forecast made after an interval whose observed mean was {@code actual}: a claim
   * when its peak over the planned horizon ({@code peakOver(intervals)}) is at least {@code
   * minRise} above both {@code actual} and its own next value ({@code peakOver(1)}). The second
   * keeps a model that lags behind a fall (its level still high) from counting as a predicted rise:
   * a claim is a rise the forecast sees coming, not its error about now.
   */
  void forecast(double actual, IntToDoubleFunction peakOver) {
    if (horizonIntervals == 0) {
      return;
    }
    double from = Math.max(actual, peakOver.applyAsDouble(1));
    double peak = peakOver.applyAsDouble(horizonIntervals);
    if (peak - from >= minRise) {
      pending.add(new Claim(from, peak, horizonIntervals));
    }
  }

  /** Drops the pending claims: a gap in the observations holds no evidence for or against them. */
  void forget() {
    pending.clear();
  }

  private void score(double s) {
    resolved++;
    accuracy += (s - accuracy) / settings.memory();
    if (trusted && accuracy < settings.minAccuracy()) {
      trusted = false;
    } else if (!trusted && accuracy >= settings.resumeAccuracy()) {
      trusted = true;
    }
  }

  /** Whether the forecast may raise the proposal now (always, when the gate is off). */
  public boolean trusted() {
    return trusted || !settings.enabled();
  }

  /** The gate's state now. */
  public State state() {
    return new State(trusted(), accuracy, resolved, pending.size(), settings);
  }
}
