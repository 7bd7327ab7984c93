package dev.ballast.sim;

/**
 * The scores of one policy on one trace. {@code minutesOverCapacity}: time when demand exceeded the
 * serving members' capacity (the SLO breach). {@code minutesAboveTarget}: time when utilization was
 * above target × (1 + tolerance). {@code replicaHours}: members existing (joining, serving or
 * draining) integrated over time, the cost. {@code operations}: single-member add or remove steps
 * started. {@code directionChanges}: a step (or a cancelled drain) in the other direction than the
 * previous one, the flapping. {@code peakReplicas}: the most members at once.
 */
public record Score(
    String name,
    double minutesOverCapacity,
    double minutesAboveTarget,
    double replicaHours,
    int operations,
    int directionChanges,
    int peakReplicas) {}
