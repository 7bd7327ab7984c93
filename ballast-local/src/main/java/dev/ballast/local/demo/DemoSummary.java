package dev.ballast.local.demo;

import java.util.List;

/**
 * The demo's result as {@code --summary-json} writes it: the sizes the cluster went through, each
 * operation, the write ledger, and the invariants checked (scaled up, scaled back down, nothing
 * lost, quorum kept, never two removals at once). {@code invariantFailures} says which failed.
 */
public record DemoSummary(
    int initialReplicas,
    int peakReplicas,
    int finalReplicas,
    List<Integer> replicaPath,
    List<OperationSummary> operations,
    long writesAcknowledged,
    long writesLost,
    long writesUnverified,
    double secondsWithoutQuorum,
    int maxConcurrentRemovals,
    boolean invariantsHeld,
    List<String> invariantFailures,
    double durationSeconds,
    int decisions) {

  public DemoSummary {
    replicaPath = List.copyOf(replicaPath);
    operations = List.copyOf(operations);
    invariantFailures = List.copyOf(invariantFailures);
  }

  /** One scaling operation: sizes, what started it, how it ended and how long it took. */
  public record OperationSummary(
      String id, int from, int to, String trigger, String outcome, double durationSeconds) {}
}
