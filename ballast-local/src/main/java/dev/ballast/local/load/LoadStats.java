package dev.ballast.local.load;

import java.time.Duration;

/**
 * A live view of a running load generator for the demo's timeline: time since start, the aimed and
 * achieved rates (completed operations per second over the last few seconds), and counts.
 */
public record LoadStats(
    Duration elapsed,
    double targetRate,
    double achievedRate,
    long writesAttempted,
    long writesAcknowledged,
    long writesFailed,
    long writesInDoubt,
    long writeRetries,
    long reads,
    long readFailures,
    long skipped,
    int inFlight,
    boolean finished) {}
