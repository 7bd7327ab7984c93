package dev.ballast.local;

import dev.ballast.core.execute.Operation;
import dev.ballast.core.history.Outcome;

/**
 * How a scale, resume or rollback ended: the operation as it ended (null when nothing had to
 * change), its outcome and message, and the cluster as verified afterwards. {@code verified} is
 * true only when the operation succeeded and the cluster is healthy at its target size.
 */
public record ScaleResult(
    Operation operation, Outcome outcome, String message, ClusterStatus status, boolean verified) {}
