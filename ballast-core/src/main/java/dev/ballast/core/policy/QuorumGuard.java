package dev.ballast.core.policy;

/**
 * Whether removals must keep a majority of the current ensemble: on for consensus systems
 * (ZooKeeper, etcd), off for members that do not vote (a plain process group).
 */
public enum QuorumGuard {
  /** A removal must leave at least a majority of the current voting members, all healthy. */
  MAJORITY,
  /** No quorum arithmetic; only the other rules apply. */
  NONE;

  /** The smallest number of voting members that is a majority of {@code ensemble}. */
  public static int majority(int ensemble) {
    return ensemble / 2 + 1;
  }
}
