package dev.ballast.sim;

/**
 * The outcome of simulating one policy on one trace: its {@link Score} and, per trace row, the
 * series for charts: demand, the smallest serving capacity during the row, the most members during
 * the row, and the autoscaler's target size at the row's end (all in the trace's unit or members).
 */
public record SimulationResult(
    Score score,
    long[] times,
    double[] demand,
    double[] servingCapacity,
    double[] members,
    double[] targetReplicas,
    double capacityPerMember,
    double targetUtilization) {

  public String name() {
    return score.name();
  }
}
