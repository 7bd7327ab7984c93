package dev.ballast.members.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The safety refusals of {@link ZooKeeperMembership#leave} against real servers. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ZooKeeperMembershipRefusalsIT {

  private final ZooKeeperMembership membership = new ZooKeeperMembership(Duration.ofSeconds(3));

  @Test
  void refusesToRemoveAHealthyMemberWhenTheRemainingVotersWouldHaveNoQuorum(@TempDir Path root) {
    try (ZooKeeperTestEnsemble ensemble = new ZooKeeperTestEnsemble(root)) {
      // given: a 3-server ensemble that lost member 0 but still has a quorum of 2
      List<Member> members = ensemble.form(3);
      ensemble.kill(0);
      List<Member> live = members.subList(1, 3);
      await("ensemble serving without member 0")
          .atMost(Duration.ofSeconds(45))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> membership.view(live).leader().isPresent());

      // when: removing member 2 would leave voters {0, 1} with only member 1 serving
      Member leaving = members.get(2);
      List<Member> remaining = members.subList(0, 2);

      // then
      assertThatThrownBy(() -> membership.leave(leaving, remaining))
          .isInstanceOf(MembershipException.class)
          .hasMessageContaining("member 2")
          .hasMessageContaining("no quorum");
      ClusterView view = membership.view(live);
      assertThat(view.votingMembers()).isEqualTo(Set.of(0, 1, 2));
      assertThat(view.leader()).isPresent();
    }
  }

  @Test
  void refusesToRemoveTheLastVotingMember(@TempDir Path root) {
    try (ZooKeeperTestEnsemble ensemble = new ZooKeeperTestEnsemble(root)) {
      // given: a single server running in quorum mode (standaloneEnabled=false)
      List<Member> members = ensemble.form(1);
      Member only = members.get(0);
      await("single server leading")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> membership.view(members).healthy());

      // when / then
      assertThatThrownBy(() -> membership.leave(only, members))
          .isInstanceOf(MembershipException.class)
          .hasMessageContaining("last voting member");
      ClusterView view = membership.view(members);
      assertThat(view.votingMembers()).containsExactly(0);
      assertThat(view.leader()).contains(0);
    }
  }
}
