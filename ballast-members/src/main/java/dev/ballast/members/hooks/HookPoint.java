package dev.ballast.members.hooks;

/**
 * Where in a scaling step a list of hooks runs: each point is the stage of the same name ({@code
 * FORGET} runs at CLEANUP, once the member's process is gone). Action points run once per stage
 * attempt; {@link #DRAINED} and {@link #REBALANCED} run once per poll and are done when their last
 * hook's condition holds.
 */
public enum HookPoint {
  ANNOUNCE,
  JOIN,
  REBALANCE,
  REBALANCED,
  DRAIN,
  DRAINED,
  CANCEL_DRAIN,
  LEAVE,
  FORGET;

  /** Whether the point is polled until its condition holds rather than run once. */
  public boolean polling() {
    return this == DRAINED || this == REBALANCED;
  }
}
