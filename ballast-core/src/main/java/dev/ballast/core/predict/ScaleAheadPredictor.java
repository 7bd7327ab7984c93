package dev.ballast.core.predict;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The predictive proposal of scale-ahead, the same for every caller (the simulator, {@code ballast
 * run}, {@code ballast explain}): a {@link MetricForecaster} of the load (the scaling metric summed
 * over members, which does not depend on the member count) and a {@link JoinTimeLearner}. Each
 * decision looks ahead by the learned join time plus one sync period, and serially by up to {@value
 * #MAX_STEPS} joins (at most {@link #MAX_LOOKAHEAD}) so that several slow members are started early
 * enough ({@link ScaleAhead#serialPredictedReplicas}). The forecast is raised by {@code
 * errorMargin} mean absolute one-step errors of the forecaster. The proposal counts only while the
 * forecaster's {@link ForecastGate} trusts it: on load whose rises the forecast does not see coming
 * (bursts at random times), the reactive proposal decides alone.
 *
 * <p>Pure and deterministic: time comes from the caller. Mutable and not thread-safe.
 */
public final class ScaleAheadPredictor {
  /** The serial look-ahead considers at most this many single-member steps. */
  public static final int MAX_STEPS = 32;

  /** The serial look-ahead never looks further than this. */
  public static final Duration MAX_LOOKAHEAD = Duration.ofHours(4);

  private final PredictionSettings settings;
  private final MetricForecaster forecaster;
  private final JoinTimeLearner learner;
  // The join time learned from the last list of durations, reused while that list is unchanged.
  private JoinTime learned;
  private int learnedFrom = -1;
  private Duration learnedLast;

  public ScaleAheadPredictor(PredictionSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.forecaster = new MetricForecaster(settings);
    this.learner = new JoinTimeLearner(settings);
  }

  /** The settings this predictor was made with. */
  public PredictionSettings settings() {
    return settings;
  }

  /**
   * Records the load (the metric summed over members) at {@code time}; see {@link
   * MetricForecaster}.
   */
  public void observe(Instant time, double totalLoad) {
    forecaster.observe(time, totalLoad);
  }

  /** The model the forecasts come from now. */
  public ForecastMode mode() {
    return forecaster.mode();
  }

  /** The number of completed sample intervals the forecaster has seen (gaps filled included). */
  public long samples() {
    return forecaster.samples();
  }

  /**
   * How much load history the forecaster needs to be rebuilt in seasonal mode: two seasons and one
   * sample interval. Older observations can be forgotten.
   */
  public Duration retention() {
    return settings.season().multipliedBy(2).plus(settings.sampleInterval());
  }

  /** The join time learned from a list of step durations, and how it was obtained. */
  public record JoinTime(Duration duration, int samples, int completedSteps, boolean learned) {
    /**
     * Where the value comes from, for people: {@code "p90 of the last 5 add steps"} or {@code
     * "defaultJoinTime (1 of 3 add steps completed)"}.
     */
    public String source(PredictionSettings settings) {
      if (learned) {
        return "p"
            + percent(settings.joinTimeQuantile())
            + " of the last "
            + samples
            + " completed add step"
            + (samples == 1 ? "" : "s");
      }
      return "defaultJoinTime ("
          + completedSteps
          + " of "
          + settings.minJoinSamples()
          + " add steps needed to learn it have completed)";
    }

    private static String percent(double q) {
      double p = q * 100;
      return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }
  }

  /**
   * Sets what the forecast gate scores later forecasts against: the horizon (the join time learned
   * from {@code completedAddSteps} plus {@code syncPeriod}) and one member's worth of load ({@code
   * targetPerMember}). {@link #predict} does it at each decision; a caller that replays stored
   * observations calls it first so that the gate is rebuilt as it was.
   */
  public void plan(List<Duration> completedAddSteps, Duration syncPeriod, double targetPerMember) {
    plan(joinTime(completedAddSteps).duration().plus(syncPeriod), targetPerMember);
  }

  private void plan(Duration horizon, double targetPerMember) {
    long interval = settings.sampleInterval().toSeconds();
    // Scored no further ahead than the look-ahead reaches: the claims pending at once stay few.
    long seconds = Math.min(horizon.toSeconds(), MAX_LOOKAHEAD.toSeconds());
    long intervals = Math.max(1, Math.floorDiv(seconds + interval - 1, interval));
    forecaster
        .gate()
        .plan((int) Math.min(intervals, 4L * settings.seasonLength()), targetPerMember);
  }

  /** The forecast gate's state now. */
  public ForecastGate.State gate() {
    return forecaster.gate().state();
  }

  /**
   * The join time to plan with, given the durations of completed add steps in completion order
   * ({@link JoinTimeLearner}); recomputed only when the list changes.
   */
  public JoinTime joinTime(List<Duration> completedAddSteps) {
    int n = completedAddSteps.size();
    Duration last = n == 0 ? null : completedAddSteps.get(n - 1);
    if (learned == null || learnedFrom != n || !Objects.equals(learnedLast, last)) {
      int take = Math.min(n, settings.joinTimeSamples());
      boolean fromSteps = take >= settings.minJoinSamples();
      learned =
          new JoinTime(learner.estimate(completedAddSteps), fromSteps ? take : 0, n, fromSteps);
      learnedFrom = n;
      learnedLast = last;
    }
    return learned;
  }

  /**
   * A predictive proposal with the numbers that produced it: {@code replicas} is the proposal (to
   * combine with the reactive one, {@link ScaleAhead#combine}); {@code forecastPeak} the largest
   * forecast of the load within {@code horizon} (join time plus one sync period), {@code band} the
   * {@code errorMargin} × {@code meanAbsoluteError} added to it, {@code nextJoinReplicas} the
   * members that peak needs ({@code ceil((forecastPeak + band) / targetPerMember)}, or the current
   * size within tolerance); {@code replicas} can be larger when later joins, started one after the
   * other over up to {@code lookAheadSteps} steps, would come too late. {@code gate} says whether
   * the forecast is trusted now: only then does the proposal count ({@link #proposal()}).
   */
  public record Prediction(
      int replicas,
      ForecastMode mode,
      double forecastPeak,
      double errorMargin,
      double meanAbsoluteError,
      double band,
      Duration horizon,
      JoinTime joinTime,
      int lookAheadSteps,
      double targetPerMember,
      int nextJoinReplicas,
      ForecastGate.State gate) {

    /** The proposal to combine with the reactive one: {@code replicas} while the gate trusts it. */
    public OptionalInt proposal() {
      return gate.trusted() ? OptionalInt.of(replicas) : OptionalInt.empty();
    }
  }

  /**
   * The members the forecast needs now; empty until the forecaster has completed its first sample
   * interval.
   *
   * @param now the decision time
   * @param completedAddSteps durations of completed add steps, oldest first
   * @param syncPeriod the time between two decisions
   * @param targetPerMember the per-member target of the metric, in the load's unit
   * @param currentReplicas the size the cluster has (or is heading to)
   * @param maxReplicas the policy's largest size, which bounds the serial look-ahead
   * @param tolerance the controller's tolerance: within it the current size is kept
   */
  public Optional<Prediction> predict(
      Instant now,
      List<Duration> completedAddSteps,
      Duration syncPeriod,
      double targetPerMember,
      int currentReplicas,
      int maxReplicas,
      double tolerance) {
    JoinTime join = joinTime(completedAddSteps);
    Duration joinTime = join.duration();
    // Not bounded by maxReplicas - currentReplicas: a step j beyond what can still be added gives
    // need(j) - (j - 1) <= currentReplicas, a floor that keeps members started for a load further
    // ahead; cutting it would let the size fall back (and be grown again) once they have started.
    int maxSteps = Math.max(1, Math.min(maxReplicas, MAX_STEPS));
    if (!joinTime.isZero()) {
      long fit = MAX_LOOKAHEAD.toSeconds() / Math.max(1, joinTime.toSeconds());
      maxSteps = (int) Math.min(maxSteps, Math.max(1, fit));
    }
    Duration longest = joinTime.multipliedBy(maxSteps).plus(syncPeriod);
    plan(joinTime.plus(syncPeriod), targetPerMember);
    Optional<MetricForecaster.Peaks> peaks = forecaster.peaks(now, longest);
    if (peaks.isEmpty()) {
      return Optional.empty();
    }
    MetricForecaster.Peaks p = peaks.get();
    double mae = forecaster.meanAbsoluteError();
    double band = settings.errorMargin() * mae;
    int replicas =
        ScaleAhead.serialPredictedReplicas(
            h -> p.within(h) + band,
            joinTime,
            syncPeriod,
            maxSteps,
            targetPerMember,
            currentReplicas,
            tolerance);
    Duration horizon = joinTime.plus(syncPeriod);
    double peak = p.within(horizon);
    int next =
        ScaleAhead.predictedReplicas(peak + band, targetPerMember, currentReplicas, tolerance);
    return Optional.of(
        new Prediction(
            replicas,
            forecaster.mode(),
            peak,
            settings.errorMargin(),
            mae,
            band,
            horizon,
            join,
            maxSteps,
            targetPerMember,
            next,
            forecaster.gate().state()));
  }
}
