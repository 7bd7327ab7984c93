package dev.ballast.core.predict;

import java.util.Arrays;

/**
 * Additive Holt-Winters forecaster with a damped trend over equally spaced samples, with a fallback
 * while the history is shorter than two seasons: the last value, then Holt's damped linear method
 * (level and trend). It is updated one sample at a time in O(1) and is deterministic; it is mutable
 * and not thread-safe.
 *
 * <p>The model in error-correction form, for a season of {@code m} samples, with level {@code l},
 * trend {@code b}, seasonal terms {@code s} and damping {@code phi}:
 *
 * <pre>
 *   e    = y(t) - (l + phi * b + s(t-m))           one-step error
 *   l    = l + phi * b + alpha * e
 *   b    = phi * b + beta * e
 *   s(t) = s(t-m) + gamma * e
 *   forecast(t + h) = l + (phi + phi^2 + ... + phi^h) * b + s(t + h - m * ceil(h / m))
 * </pre>
 *
 * The seasonal model starts once {@code 2m} samples have been seen: the trend starts as the
 * difference of the two seasons' means divided by {@code m}, the level as the first season's mean
 * moved to its last sample, each seasonal term as the mean over both seasons of its slot's
 * deviation from the (trend-corrected) season mean, and the second season is then replayed through
 * the update so that the state is current. With {@code phi = 1} a series that is exactly a line
 * plus a season is therefore forecast exactly.
 */
public final class HoltWinters {
  private final int seasonLength;
  private final HoltWintersParameters p;

  private long count;
  private double last;
  private double meanAbsError;
  // Holt linear state, used until the seasonal model starts.
  private double level;
  private double trend;
  // Seasonal state.
  private boolean seasonal;
  private final double[] season;
  private int slot; // index in season of the next sample
  private double[] warmup; // the first 2m samples, released once the seasonal model starts

  /**
   * A forecaster with a season of {@code seasonLength} samples (at least 2; for example a day of
   * 1-minute samples is 1440).
   */
  public HoltWinters(int seasonLength, HoltWintersParameters parameters) {
    if (seasonLength < 2) {
      throw new IllegalArgumentException("seasonLength must be >= 2 samples, was " + seasonLength);
    }
    this.seasonLength = seasonLength;
    this.p = java.util.Objects.requireNonNull(parameters, "parameters");
    this.season = new double[seasonLength];
    this.warmup = new double[2 * seasonLength];
  }

  /** The number of samples in one season. */
  public int seasonLength() {
    return seasonLength;
  }

  /** The number of samples observed so far. */
  public long count() {
    return count;
  }

  /** The model the next forecast comes from. */
  public ForecastMode mode() {
    if (count == 0) {
      return ForecastMode.NONE;
    }
    if (count == 1) {
      return ForecastMode.LAST_VALUE;
    }
    return seasonal ? ForecastMode.HOLT_WINTERS : ForecastMode.HOLT_LINEAR;
  }

  /** Adds the next sample; must be finite. */
  public void observe(double y) {
    if (!Double.isFinite(y)) {
      throw new IllegalArgumentException("sample must be finite, was " + y);
    }
    if (seasonal) {
      updateSeasonal(y);
    } else {
      updateLinear(y);
      warmup[(int) count] = y;
      if (count + 1 == 2L * seasonLength) {
        startSeasonal();
      }
    }
    last = y;
    count++;
  }

  /**
   * The forecast {@code steps} samples after the last one (1 = the next sample).
   *
   * @throws IllegalStateException when nothing has been observed
   */
  public double forecast(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, was " + steps);
    }
    return switch (mode()) {
      case NONE -> throw new IllegalStateException("no sample observed yet");
      case LAST_VALUE -> last;
      case HOLT_LINEAR -> level + damped(steps) * trend;
      case HOLT_WINTERS ->
          level + damped(steps) * trend + season[Math.floorMod(slot + steps - 1, seasonLength)];
    };
  }

  /**
   * Fills {@code out[h - 1]} with {@link #forecast}{@code (h)} for h = 1..{@code out.length}, in
   * one pass (the same values, without a power per step).
   */
  public void forecastPath(double[] out) {
    if (out.length == 0) {
      return;
    }
    ForecastMode mode = mode();
    if (mode == ForecastMode.NONE) {
      throw new IllegalStateException("no sample observed yet");
    }
    double phi = p.phi();
    double damped = 0;
    double phiPower = 1;
    for (int h = 1; h <= out.length; h++) {
      phiPower *= phi;
      damped += phiPower;
      out[h - 1] =
          switch (mode) {
            case LAST_VALUE -> last;
            case HOLT_LINEAR -> level + damped * trend;
            default -> level + damped * trend + season[Math.floorMod(slot + h - 1, seasonLength)];
          };
    }
  }

  /**
   * The exponentially weighted mean of the absolute one-step errors (weight {@value #ERROR_WEIGHT}
   * per sample): how far the next sample typically lands from its forecast, in the series' unit. 0
   * until two samples have been seen.
   */
  public double meanAbsoluteError() {
    return meanAbsError;
  }

  private static final double ERROR_WEIGHT = 0.02;

  private void trackError(double e) {
    meanAbsError =
        meanAbsError == 0
            ? Math.abs(e)
            : meanAbsError + ERROR_WEIGHT * (Math.abs(e) - meanAbsError);
  }

  /** phi + phi^2 + ... + phi^h. */
  private double damped(int h) {
    double phi = p.phi();
    if (phi == 1) {
      return h;
    }
    return phi * (1 - Math.pow(phi, h)) / (1 - phi);
  }

  /** The largest forecast over the next {@code steps} samples (1..steps). */
  public double maxForecast(int steps) {
    double max = forecast(1);
    for (int h = 2; h <= steps; h++) {
      max = Math.max(max, forecast(h));
    }
    return max;
  }

  private void updateLinear(double y) {
    if (count == 0) {
      // The trend starts flat: two noisy first samples must not set a slope that lasts.
      level = y;
      trend = 0;
      return;
    }
    double e = y - (level + p.phi() * trend);
    trackError(e);
    level = level + p.phi() * trend + p.alpha() * e;
    trend = p.phi() * trend + p.beta() * e;
  }

  private void updateSeasonal(double y) {
    double e = y - (level + p.phi() * trend + season[slot]);
    trackError(e);
    level = level + p.phi() * trend + p.alpha() * e;
    trend = p.phi() * trend + p.beta() * e;
    season[slot] += p.gamma() * e;
    slot = (slot + 1) % seasonLength;
  }

  private void startSeasonal() {
    int m = seasonLength;
    double mean1 = mean(warmup, 0, m);
    double mean2 = mean(warmup, m, 2 * m);
    trend = (mean2 - mean1) / m;
    for (int i = 0; i < m; i++) {
      // Deviation of slot i from its season's mean, less the trend's share at that slot.
      season[i] = ((warmup[i] - mean1) + (warmup[m + i] - mean2)) / 2 - trend * (i - (m - 1) / 2.0);
    }
    // The level at the end of the first season: its mean sits at its middle sample.
    level = mean1 + trend * (m - 1) / 2.0;
    seasonal = true;
    slot = 0;
    for (int i = m; i < 2 * m; i++) {
      updateSeasonal(warmup[i]);
    }
    warmup = null;
  }

  private static double mean(double[] a, int from, int to) {
    return Arrays.stream(a, from, to).sum() / (to - from);
  }
}
