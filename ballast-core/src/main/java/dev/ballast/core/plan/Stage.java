package dev.ballast.core.plan;

/**
 * One stage of a scaling step. Action stages do something once (and are retried on failure);
 * polling stages wait until a condition holds or their timeout passes.
 */
public enum Stage {
  /** Checks that the cluster is healthy and the change is allowed before touching anything. */
  PREFLIGHT(false),
  /** Tells the cluster a member is coming and obtains its launch settings. */
  ANNOUNCE(false),
  /** Starts the new member's process or pod. */
  START(false),
  /** Waits until the new member serves and has caught up. */
  READY(true),
  /** Makes the new member a voting member. */
  JOIN(false),
  /**
   * Starts moving the new member's share of the data onto it (hash slots, partitions); skipped for
   * systems whose members serve as soon as they join.
   */
  REBALANCE(false),
  /** Waits until the new member holds its share of the data. */
  REBALANCED(true),
  /** Starts handing the leaving member's data off. */
  DRAIN(false),
  /** Waits until the leaving member holds nothing. */
  DRAINED(true),
  /** Removes the member from the membership. */
  LEAVE(false),
  /** Stops the member, once it is proven not to vote any more. */
  STOP(false),
  /** Waits until the member's process or pod is gone. */
  GONE(true),
  /** Applies the data policy to the removed member's data. */
  CLEANUP(false),
  /** Waits until the member list equals the expected set and the cluster is healthy. */
  VERIFY(true),
  /** Publishes the new member list (peer list, member table). */
  PUBLISH(false),
  /** Stops a drain that is no longer wanted; the member stays. */
  CANCEL_DRAIN(false),
  /**
   * Stops the fill of a member whose add is being undone; what already moved is then drained back
   * off it before it leaves.
   */
  CANCEL_REBALANCE(false);

  private final boolean polling;

  Stage(boolean polling) {
    this.polling = polling;
  }

  /** Whether the stage waits for a condition rather than performing an action. */
  public boolean polling() {
    return polling;
  }
}
