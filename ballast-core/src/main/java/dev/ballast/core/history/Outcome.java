package dev.ballast.core.history;

/** How an operation, a stage or a decision ended. */
public enum Outcome {
  /** Still running. */
  IN_PROGRESS,
  /** Done as asked. */
  SUCCEEDED,
  /** A stage attempt failed and will be retried. */
  RETRYING,
  /** Stopped on a failure; the message says at which size the cluster was left. */
  FAILED,
  /** An add step failed and was undone; the cluster is back at its old size. */
  ROLLED_BACK,
  /** A pending removal was cancelled because the target went back up. */
  CANCELLED,
  /** The preflight check refused to start: nothing was changed. */
  BLOCKED,
  /** A safety rule refused the request. */
  REFUSED,
  /** A decision kept the current size. */
  HELD;

  /** Whether an operation with this outcome has ended. */
  public boolean finished() {
    return this != IN_PROGRESS && this != RETRYING;
  }
}
