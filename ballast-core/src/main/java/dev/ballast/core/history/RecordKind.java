package dev.ballast.core.history;

/** What a history record describes. */
public enum RecordKind {
  /** An autoscaling decision or an accepted request. */
  DECISION,
  /** A request a safety rule refused. */
  REFUSAL,
  /** The end of an operation, with its outcome and duration. */
  OPERATION,
  /** One stage of one step: completed, retried or failed. */
  STAGE,
  /** The autoscaler could not read a metric and applied the failure policy. */
  METRICS_UNAVAILABLE
}
