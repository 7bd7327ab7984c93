package dev.ballast.core.predict;

/**
 * Combines the reactive proposal (the HPA decision on current metrics) with the predictive one (the
 * members the forecast needs at the look-ahead horizon). The result is the larger of the two, so
 * prediction can only start members earlier or keep them longer: it never lowers a scale-up and
 * never causes a scale-down on its own.
 */
public final class ScaleAhead {
  private ScaleAhead() {}

  /** Which proposal decided the combined result. */
  public enum Source {
    REACTIVE,
    PREDICTIVE
  }

  /** The combined proposal with both inputs, for {@code explain}. */
  public record Proposal(int replicas, int reactive, int predictive, Source source) {}

  /**
   * The replicas the forecast needs: {@code ceil(forecastTotal / targetPerMember)}, where {@code
   * forecastTotal} is the forecast of the metric summed over members (the load, which does not
   * depend on the member count) and {@code targetPerMember} the per-member target. Within the
   * tolerance of the current size it keeps the current size, as the HPA does.
   */
  public static int predictedReplicas(
      double forecastTotal, double targetPerMember, int currentReplicas, double tolerance) {
    if (!(targetPerMember > 0)) {
      throw new IllegalArgumentException("targetPerMember must be > 0, was " + targetPerMember);
    }
    double total = Double.isFinite(forecastTotal) ? Math.max(0, forecastTotal) : 0;
    if (currentReplicas > 0) {
      double ratio = total / (currentReplicas * targetPerMember);
      if (Math.abs(ratio - 1) <= tolerance) {
        return currentReplicas;
      }
    }
    double need = Math.ceil(total / targetPerMember - 1e-9);
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, need));
  }

  /**
   * The predictive proposal when members join one at a time, each taking {@code joinTime}: the j-th
   * member started from now serves only at {@code now + j × joinTime}, so the load forecast up to
   * {@code j × joinTime + syncPeriod} must be carried by the current members plus the j-1 that can
   * still be started after this one. The result is the largest {@code need(j) - (j - 1)} over j =
   * 1..{@code maxSteps}, where {@code need(j)} is {@link #predictedReplicas} for the peak within
   * that horizon; with j = 1 this is the plain look-ahead of one join time plus one sync period.
   * {@code peakWithin} gives the peak forecast of the summed metric within a horizon.
   */
  public static int serialPredictedReplicas(
      java.util.function.ToDoubleFunction<java.time.Duration> peakWithin,
      java.time.Duration joinTime,
      java.time.Duration syncPeriod,
      int maxSteps,
      double targetPerMember,
      int currentReplicas,
      double tolerance) {
    int steps = joinTime.isZero() ? 1 : Math.max(1, maxSteps);
    int best = 0;
    for (int j = 1; j <= steps; j++) {
      java.time.Duration horizon = joinTime.multipliedBy(j).plus(syncPeriod);
      int need =
          predictedReplicas(
              peakWithin.applyAsDouble(horizon), targetPerMember, currentReplicas, tolerance);
      best = Math.max(best, need - (j - 1));
    }
    return best;
  }

  /** max(reactive, predictive): see the class comment. */
  public static Proposal combine(int reactive, int predictive) {
    if (predictive > reactive) {
      return new Proposal(predictive, reactive, predictive, Source.PREDICTIVE);
    }
    return new Proposal(reactive, reactive, predictive, Source.REACTIVE);
  }
}
