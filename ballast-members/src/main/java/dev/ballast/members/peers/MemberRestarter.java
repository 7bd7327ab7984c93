package dev.ballast.members.peers;

import dev.ballast.core.port.Member;
import java.util.List;

/**
 * Restarts one member so that it reads the peer list again (the runtime's side of {@link
 * PeerListSpec.AfterChange#RESTART}). Idempotent: a member found stopped (a crash between the stop
 * and the start) is started; one found running is stopped first.
 */
public interface MemberRestarter {

  /**
   * Why {@code member} may not be taken down now (another of {@code members} is stopped or not
   * healthy), or empty when it may.
   */
  java.util.Optional<String> refusal(Member member, List<Member> members);

  /**
   * Stops {@code member}, waits until its process is gone, starts it again and waits until it is
   * healthy; returns what was done, for the record. Fails with a {@link
   * dev.ballast.core.port.MembershipException} naming the member when it does not come back.
   */
  String restart(Member member, List<Member> members);
}
