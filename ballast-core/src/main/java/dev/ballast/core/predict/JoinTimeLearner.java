package dev.ballast.core.predict;

import java.time.Duration;
import java.util.List;

/**
 * Estimates how long an add step takes (decision to serving) from the durations of completed add
 * steps, oldest first: the configured quantile of the most recent ones, or the default while too
 * few have completed. A high quantile (0.9 by default) starts members early enough for the slow
 * joins without letting one outlier dominate.
 */
public final class JoinTimeLearner {
  private final PredictionSettings settings;

  public JoinTimeLearner(PredictionSettings settings) {
    this.settings = java.util.Objects.requireNonNull(settings, "settings");
  }

  /** The join time to plan with, given completed add-step durations in completion order. */
  public Duration estimate(List<Duration> completedAddSteps) {
    int n = completedAddSteps.size();
    int take = Math.min(n, settings.joinTimeSamples());
    if (take < settings.minJoinSamples()) {
      return settings.defaultJoinTime();
    }
    long[] millis = new long[take];
    for (int i = 0; i < take; i++) {
      Duration d = completedAddSteps.get(n - take + i);
      millis[i] = Math.max(0, d.toMillis());
    }
    java.util.Arrays.sort(millis);
    // Nearest-rank quantile: the smallest value with at least q of the samples at or below it.
    int rank = (int) Math.ceil(settings.joinTimeQuantile() * take);
    return Duration.ofMillis(millis[Math.max(rank, 1) - 1]);
  }
}
