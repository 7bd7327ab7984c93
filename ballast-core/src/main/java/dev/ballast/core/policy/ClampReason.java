package dev.ballast.core.policy;

/** Why a stateful rule changed (or held) a proposed size; stable names for explain and events. */
public enum ClampReason {
  /** The proposal was below {@code minReplicas}. */
  BELOW_MIN,
  /** The proposal was above {@code maxReplicas}. */
  ABOVE_MAX,
  /** The proposal was not an allowed size and was rounded up to the next one. */
  NOT_ALLOWED_SIZE,
  /** The proposal was above the largest allowed size. */
  ABOVE_LARGEST_ALLOWED,
  /** The node count sets the size ({@link NodeCountSizing}), or holds it when unknown. */
  NODE_COUNT,
  /** The proposal would shrink the cluster and shrinking is disabled. */
  SHRINK_DISABLED
}
