package dev.ballast.core.predict;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * Forecasts a metric observed at irregular instants: samples are averaged into buckets of the
 * settings' {@code sampleInterval} (aligned to the epoch), and each completed bucket feeds a {@link
 * HoltWinters} model with a season of {@code season / sampleInterval} buckets. A bucket with no
 * sample (a gap) is filled with the model's own one-step forecast, so a gap neither shifts the
 * season nor drags the level to zero. Samples older than the current bucket are ignored.
 * Deterministic; mutable and not thread-safe.
 */
public final class MetricForecaster {
  private final long intervalSeconds;
  private final HoltWinters model;
  private long bucket = Long.MIN_VALUE;
  private double sum;
  private int n;

  public MetricForecaster(PredictionSettings settings) {
    this.intervalSeconds = settings.sampleInterval().toSeconds();
    this.model = new HoltWinters(settings.seasonLength(), settings.smoothing());
  }

  /** Records the metric's value at {@code time}; non-finite values are ignored. */
  public void observe(Instant time, double value) {
    if (!Double.isFinite(value)) {
      return;
    }
    long k = Math.floorDiv(time.getEpochSecond(), intervalSeconds);
    if (bucket == Long.MIN_VALUE) {
      bucket = k;
    } else if (k < bucket) {
      return;
    } else if (k > bucket) {
      closeBucketsUpTo(k);
    }
    sum += value;
    n++;
  }

  private void closeBucketsUpTo(long k) {
    model.observe(sum / n);
    // Fill the empty buckets of a gap with the model's expectation; bounded by two seasons
    // because a longer gap carries no information the filled values would keep.
    long missing = Math.min(k - bucket - 1, 2L * model.seasonLength());
    for (long i = 0; i < missing; i++) {
      model.observe(model.forecast(1));
    }
    bucket = k;
    sum = 0;
    n = 0;
  }

  /** The model the forecasts come from now. */
  public ForecastMode mode() {
    return model.mode();
  }

  /**
   * The largest forecast from the bucket containing {@code now} to the one containing {@code now +
   * horizon}; empty until the first bucket has completed.
   */
  public OptionalDouble peakWithin(Instant now, Duration horizon) {
    if (model.count() == 0) {
      return OptionalDouble.empty();
    }
    long lastComplete = bucket - 1;
    long end = Math.floorDiv(now.plus(horizon).getEpochSecond(), intervalSeconds);
    int steps = (int) Math.max(1, Math.min(end - lastComplete, 4L * model.seasonLength()));
    return OptionalDouble.of(model.maxForecast(steps));
  }
}
