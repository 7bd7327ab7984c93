package dev.ballast.core.predict;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * Forecasts a metric observed at irregular instants: samples are averaged into buckets of the
 * settings' {@code sampleInterval} (aligned to the epoch), and each completed bucket feeds a {@link
 * HoltWinters} model with a season of {@code season / sampleInterval} buckets. A bucket with no
 * sample (a gap) is filled with the model's own one-step forecast, so a gap neither shifts the
 * season nor drags the level to zero. Samples older than the current bucket are ignored. Each
 * completed bucket also scores the forecaster's earlier predictions and records its new one in its
 * {@link ForecastGate}. Deterministic; mutable and not thread-safe.
 */
public final class MetricForecaster {
  private final long intervalSeconds;
  private final HoltWinters model;
  private final ForecastGate gate;
  private long bucket = Long.MIN_VALUE;
  private double sum;
  private int n;
  private double[] cachedMax;
  private long cachedCount = -1;

  public MetricForecaster(PredictionSettings settings) {
    this.intervalSeconds = settings.sampleInterval().toSeconds();
    this.model = new HoltWinters(settings.seasonLength(), settings.smoothing());
    this.gate = new ForecastGate(settings.gate());
  }

  /** The record of how this forecaster's predicted rises fared. */
  public ForecastGate gate() {
    return gate;
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
    double actual = sum / n;
    model.observe(actual);
    gate.observed(actual);
    // Fill the empty buckets of a gap with the model's expectation; bounded by two seasons
    // because a longer gap carries no information the filled values would keep.
    long missing = Math.min(k - bucket - 1, 2L * model.seasonLength());
    for (long i = 0; i < missing; i++) {
      model.observe(model.forecast(1));
    }
    if (missing > 0) {
      gate.forget();
    }
    gate.forecast(actual, model::maxForecast);
    bucket = k;
    sum = 0;
    n = 0;
  }

  /** The model's typical one-step error, in the metric's unit: see {@link HoltWinters}. */
  public double meanAbsoluteError() {
    return model.meanAbsoluteError();
  }

  /** The number of completed buckets the model has seen, gaps filled included. */
  public long samples() {
    return model.count();
  }

  /** The model the forecasts come from now. */
  public ForecastMode mode() {
    return model.mode();
  }

  /**
   * The running maximum of the forecast from the bucket containing {@code now} up to {@code now +
   * maxHorizon}, to ask for the peak within several horizons at once; empty until the first bucket
   * has completed.
   */
  public java.util.Optional<Peaks> peaks(Instant now, Duration maxHorizon) {
    if (model.count() == 0) {
      return java.util.Optional.empty();
    }
    long first = bucket; // the bucket containing now, or the one after the last completed
    long end = Math.floorDiv(now.plus(maxHorizon).getEpochSecond(), intervalSeconds);
    int steps = (int) Math.max(1, Math.min(end - (first - 1), 4L * model.seasonLength()));
    // The forecast changes only when a bucket completes: reuse it until then.
    if (cachedMax == null || cachedCount != model.count() || cachedMax.length < steps) {
      double[] path = new double[steps];
      model.forecastPath(path);
      for (int i = 1; i < steps; i++) {
        path[i] = Math.max(path[i], path[i - 1]);
      }
      cachedMax = path;
      cachedCount = model.count();
    }
    double[] runningMax =
        cachedMax.length == steps ? cachedMax : java.util.Arrays.copyOf(cachedMax, steps);
    return java.util.Optional.of(new Peaks(now, first, intervalSeconds, runningMax));
  }

  /** The peak forecast within any horizon up to the one it was made for, in O(1). */
  public static final class Peaks {
    private final long nowSecond;
    private final long firstBucket;
    private final long intervalSeconds;
    private final double[] runningMax;

    private Peaks(Instant now, long firstBucket, long intervalSeconds, double[] runningMax) {
      this.nowSecond = now.getEpochSecond();
      this.firstBucket = firstBucket;
      this.intervalSeconds = intervalSeconds;
      this.runningMax = runningMax;
    }

    /** The largest forecast from now to {@code now + horizon} (capped at the maximum horizon). */
    public double within(Duration horizon) {
      long end = Math.floorDiv(nowSecond + horizon.getSeconds(), intervalSeconds);
      int steps = (int) Math.max(1, Math.min(end - (firstBucket - 1), runningMax.length));
      return runningMax[steps - 1];
    }
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
