package dev.ballast.core.plan;

/** Why a scaling request was refused; each has a stable name that scripts and alerts can match. */
public enum RefusalReason {
  /** The requested size is not a whole number of members (negative). */
  INVALID_SIZE,
  /** The requested size is not in {@code allowedReplicas}. */
  NOT_ALLOWED_SIZE,
  /** The request shrinks the cluster and the shrink policy is {@code Disabled}. */
  SHRINK_DISABLED,
  /** The requested size is below {@code minReplicas}. */
  BELOW_MIN,
  /** The requested size is above {@code maxReplicas}. */
  ABOVE_MAX,
  /** Removing a member would leave fewer voting members than a majority of the ensemble. */
  BELOW_QUORUM,
  /** Another operation is changing the cluster. */
  OPERATION_IN_PROGRESS,
  /** The cluster has no members or its members are not numbered 0..n-1. */
  CLUSTER_NOT_READY,
  /** A rollback was asked for, but no operation has completed yet. */
  NOTHING_TO_ROLL_BACK
}
