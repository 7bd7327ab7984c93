package dev.ballast.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NoProtocolMembershipTest {
  private final Set<Integer> up = new HashSet<>(Set.of(0, 2));
  private final Membership membership =
      new NoProtocolMembership(
          up::contains,
          new NoProtocolMembership.Vocabulary(
              "ready", "not-ready", "pod Ready", "pod not Ready", "pods Ready", o -> "pod-" + o));

  private static Member member(int ordinal) {
    return new Member(ordinal, "127.0.0.1", Map.of());
  }

  @Test
  void givenSomeMembersDown_whenViewed_thenOnlyTheUpOnesAreMembersAndEachStatusSaysWhy() {
    ClusterView view = membership.view(List.of(member(0), member(1), member(2)));

    assertThat(view.votingMembers()).containsExactlyInAnyOrder(0, 2);
    assertThat(view.members())
        .extracting(ClusterView.MemberStatus::role)
        .containsExactly("ready", "not-ready", "ready");
    assertThat(view.members().get(1).detail()).isEqualTo("pod not Ready");
    assertThat(view.detail()).isEqualTo("2 pods Ready");
  }

  @Test
  void givenAMemberComesUp_whenAskedAgain_thenItIsReadyWithoutAReason() {
    assertThat(membership.notReady(member(1), List.of())).contains("pod-1");

    up.add(1);

    assertThat(membership.isReady(member(1), List.of())).isTrue();
    assertThat(membership.notReady(member(1), List.of())).isEmpty();
  }

  @Test
  void givenNoProtocol_whenDraining_thenThereIsNothingToHandOff() {
    DrainProgress progress = membership.drainProgress(member(2), List.of(member(0)));

    assertThat(progress.done()).isTrue();
    assertThat(membership.announce(member(3), List.of(member(0)))).isEmpty();
  }
}
