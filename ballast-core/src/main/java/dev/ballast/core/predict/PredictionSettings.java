package dev.ballast.core.predict;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code prediction} section of a policy: whether scale-ahead is on, the forecaster's season
 * and sample interval, its smoothing weights, and how the join time is learned (the {@code
 * defaultJoinTime} until {@code minJoinSamples} add steps have completed, then the {@code
 * joinTimeQuantile} of the last {@code joinTimeSamples} durations). {@code errorMargin} adds that
 * many times the forecaster's mean absolute one-step error to the forecast (an upper band; 0 uses
 * the forecast itself). {@code gate} holds the forecast back while its predicted rises have not
 * materialised ({@link ForecastGate}).
 */
public record PredictionSettings(
    boolean enabled,
    Duration season,
    Duration sampleInterval,
    HoltWintersParameters smoothing,
    Duration defaultJoinTime,
    double joinTimeQuantile,
    int joinTimeSamples,
    int minJoinSamples,
    double errorMargin,
    ForecastGateSettings gate) {

  /** Prediction off, with the defaults for every other field. */
  public static PredictionSettings disabled() {
    return defaults(false);
  }

  /**
   * The defaults, in one place: a daily season sampled every minute, {@link
   * HoltWintersParameters#defaults()}, a 2-minute default join time, and the 90th percentile of the
   * last 20 add steps once 3 have completed, no error margin, and the gate of {@link
   * ForecastGateSettings#defaults()}.
   */
  public static PredictionSettings defaults(boolean enabled) {
    return new PredictionSettings(
        enabled,
        Duration.ofDays(1),
        Duration.ofMinutes(1),
        HoltWintersParameters.defaults(),
        Duration.ofMinutes(2),
        0.9,
        20,
        3,
        0,
        ForecastGateSettings.defaults());
  }

  public PredictionSettings {
    Objects.requireNonNull(season, "season");
    Objects.requireNonNull(sampleInterval, "sampleInterval");
    Objects.requireNonNull(smoothing, "smoothing");
    Objects.requireNonNull(defaultJoinTime, "defaultJoinTime");
    Objects.requireNonNull(gate, "gate");
    List<String> problems =
        problems(
            season,
            sampleInterval,
            defaultJoinTime,
            joinTimeQuantile,
            joinTimeSamples,
            minJoinSamples);
    if (!(errorMargin >= 0 && errorMargin <= 10)) {
      problems = new ArrayList<>(problems);
      problems.add("errorMargin: must be in 0..10, was " + errorMargin);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** The number of samples in one season. */
  public int seasonLength() {
    return (int) (season.toSeconds() / sampleInterval.toSeconds());
  }

  /**
   * Every problem with these values at once, each naming its field (relative to the {@code
   * prediction} section); empty when valid.
   */
  public static List<String> problems(
      Duration season,
      Duration sampleInterval,
      Duration defaultJoinTime,
      double joinTimeQuantile,
      int joinTimeSamples,
      int minJoinSamples) {
    List<String> out = new ArrayList<>();
    if (sampleInterval.toSeconds() < 1) {
      out.add("sampleInterval: must be at least 1s, was " + sampleInterval);
    } else if (season.toSeconds() % sampleInterval.toSeconds() != 0
        || season.toSeconds() / sampleInterval.toSeconds() < 2) {
      out.add(
          "season: must be a whole multiple (>= 2) of sampleInterval "
              + sampleInterval
              + ", was "
              + season);
    } else if (season.toSeconds() / sampleInterval.toSeconds() > 100_000) {
      out.add("season: at most 100000 samples per season, raise sampleInterval");
    }
    if (defaultJoinTime.isNegative()) {
      out.add("defaultJoinTime: must not be negative, was " + defaultJoinTime);
    }
    if (!(joinTimeQuantile > 0 && joinTimeQuantile <= 1)) {
      out.add("joinTimeQuantile: must be in (0, 1], was " + joinTimeQuantile);
    }
    if (joinTimeSamples < 1) {
      out.add("joinTimeSamples: must be >= 1, was " + joinTimeSamples);
    }
    if (minJoinSamples < 1 || minJoinSamples > Math.max(joinTimeSamples, 1)) {
      out.add("minJoinSamples: must be in 1..joinTimeSamples, was " + minJoinSamples);
    }
    return out;
  }
}
