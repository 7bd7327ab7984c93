package dev.ballast.core.execute;

/** Which way an operation is going. */
public enum Phase {
  /** Executing the planned steps. */
  FORWARD,
  /** An add step failed: undoing it (and, when shrinking is allowed, the steps before it). */
  ROLLING_BACK,
  /** Stopping a drain, because the target went back up or the drain failed. */
  CANCELLING
}
