package dev.ballast.core.policy;

/** Whether the cluster may be made smaller: one member at a time, or never ("no hot shrink"). */
public enum ShrinkPolicy {
  /** Members may be removed, one at a time. */
  ALLOWED,
  /** The cluster never shrinks; requests to shrink are refused and autoscaling holds. */
  DISABLED
}
