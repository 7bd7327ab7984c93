package dev.ballast.autoscaler;

import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.port.ForecastStore;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.predict.ForecastGate;
import dev.ballast.core.predict.LoadSample;
import dev.ballast.core.predict.PredictionSettings;
import dev.ballast.core.predict.ScaleAheadPredictor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Scale-ahead for an autoscaling loop: feeds the {@link ScaleAheadPredictor} the load of the first
 * metric (its per-member values summed: requests per second of the whole cluster for a {@code Pods}
 * metric, cores used by all members for {@code Resource} cpu), against that metric's per-member
 * target, and keeps every observation in a {@link ForecastStore} so that a restarted loop rebuilds
 * the forecaster with its season. The store is replayed when this is made (keeping the predictor's
 * {@link ScaleAheadPredictor#retention()}) and trimmed again whenever it has grown by one more
 * retention, so it holds at most two. The replay also rebuilds the forecaster's {@link
 * ForecastGate}, which is driven by the same observations.
 */
public final class ScaleAheadFeed {
  private final ScaleAheadPredictor predictor;
  private final MetricSpec metric;
  private final double targetPerMember;
  private final ForecastStore store;
  private Instant trimmedAt;
  private final int restored;

  private ScaleAheadFeed(
      PredictionSettings settings,
      MetricSpec metric,
      long cpuRequestMilli,
      ForecastStore store,
      Instant now,
      List<Duration> completedAddSteps,
      Duration syncPeriod) {
    this.predictor = new ScaleAheadPredictor(settings);
    this.metric = metric;
    this.targetPerMember = targetPerMember(metric, cpuRequestMilli);
    this.store = store;
    // The forecast gate scores the replayed forecasts against the horizon the loop plans with.
    predictor.plan(completedAddSteps, syncPeriod, targetPerMember);
    List<LoadSample> kept = store.keepFrom(now.minus(predictor.retention()));
    kept.forEach(s -> predictor.observe(s.time(), s.load()));
    this.restored = kept.size();
    this.trimmedAt = now;
  }

  /**
   * Scale-ahead for {@code spec} when {@code settings} enable it, rebuilt from {@code store} at
   * {@code now} (its forecast gate with the join time learned from {@code completedAddSteps});
   * empty when prediction is off.
   */
  public static Optional<ScaleAheadFeed> of(
      AutoscaleSpec spec,
      PredictionSettings settings,
      ForecastStore store,
      Instant now,
      List<Duration> completedAddSteps) {
    Objects.requireNonNull(store, "store");
    if (!settings.enabled()) {
      return Optional.empty();
    }
    return Optional.of(
        new ScaleAheadFeed(
            settings,
            spec.autoscaler().metrics().get(0),
            spec.cpuRequestMilli(),
            store,
            now,
            completedAddSteps,
            spec.syncPeriod()));
  }

  /** The forecast gate's state now: whether the forecast is trusted and its accuracy. */
  public ForecastGate.State gate() {
    return predictor.gate();
  }

  /**
   * The per-member target of {@code metric} in the unit of its per-member values: a {@code Pods} or
   * {@code Resource} average value, or a cpu utilization of the one core a local member requests
   * (50 % of one core is 0.5 cores).
   */
  static double targetPerMember(MetricSpec metric, long cpuRequestMilli) {
    MetricTarget t = metric.target();
    if (t.type() == MetricTarget.Type.UTILIZATION) {
      return t.amount() / 100.0 * cpuRequestMilli / 1000.0;
    }
    return t.amount() / 1000.0;
  }

  /** The metric whose load is forecast. */
  public MetricSpec metric() {
    return metric;
  }

  /** The per-member target the forecast load is divided by. */
  public double targetPerMember() {
    return targetPerMember;
  }

  /** The settings of the {@code prediction} section. */
  public PredictionSettings settings() {
    return predictor.settings();
  }

  /** How many stored observations were replayed when this was made. */
  public int restoredSamples() {
    return restored;
  }

  /** The completed sample intervals the forecaster has seen. */
  public long samples() {
    return predictor.samples();
  }

  /** The summed load of the forecast metric in {@code samples}; empty when no member reported. */
  public OptionalDouble load(Map<String, MetricSample> samples) {
    MetricSample sample = samples.get(SnapshotAssembler.sourceName(metric));
    if (sample == null || sample.byOrdinal().isEmpty()) {
      return OptionalDouble.empty();
    }
    double sum = 0;
    for (double v : sample.byOrdinal().values()) {
      sum += v;
    }
    return Double.isFinite(sum) ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  /**
   * Observes this sync's load (and stores it), then proposes the members the forecast needs, for a
   * cluster of {@code heading} members (its size, or the size an in-flight operation heads to).
   */
  public Optional<ScaleAheadPredictor.Prediction> sync(
      Instant now,
      Map<String, MetricSample> samples,
      List<Duration> completedAddSteps,
      Duration syncPeriod,
      int heading,
      int maxReplicas,
      double tolerance) {
    MetricSample sample = samples.get(SnapshotAssembler.sourceName(metric));
    OptionalDouble load = load(samples);
    if (load.isPresent()) {
      LoadSample observed = new LoadSample(sample.timestamp(), load.getAsDouble());
      predictor.observe(observed.time(), observed.load());
      store.append(observed);
    }
    if (Duration.between(trimmedAt, now).compareTo(predictor.retention()) > 0) {
      store.keepFrom(now.minus(predictor.retention()));
      trimmedAt = now;
    }
    return predictor.predict(
        now, completedAddSteps, syncPeriod, targetPerMember, heading, maxReplicas, tolerance);
  }
}
