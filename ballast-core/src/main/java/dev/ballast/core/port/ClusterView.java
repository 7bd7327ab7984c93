package dev.ballast.core.port;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster as the application reports it at one instant: the voting members (by ordinal) every
 * reachable member agrees on, the leader if the protocol has one, and each member's own state.
 * {@code consistent} is false when members disagree about the membership.
 */
public record ClusterView(
    Set<Integer> votingMembers,
    Optional<Integer> leader,
    boolean consistent,
    List<MemberStatus> members,
    String detail) {

  public ClusterView {
    votingMembers = Set.copyOf(votingMembers);
    members = List.copyOf(members);
  }

  /**
   * Healthy means: every member answered and is healthy, they agree on the membership, and a leader
   * exists when the protocol elects one.
   */
  public boolean healthy() {
    return consistent && !members.isEmpty() && members.stream().allMatch(MemberStatus::healthy);
  }

  /** The state one member reports about itself. */
  public record MemberStatus(int ordinal, String role, boolean healthy, String detail) {}
}
