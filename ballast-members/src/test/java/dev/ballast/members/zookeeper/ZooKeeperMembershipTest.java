package dev.ballast.members.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.ClusterView.MemberStatus;
import dev.ballast.core.port.Member;
import dev.ballast.members.zookeeper.ZooKeeperFourLetterWords.ServerState;
import dev.ballast.members.zookeeper.ZooKeeperMembership.Probe;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The view assembled from members' answers, without any server. */
class ZooKeeperMembershipTest {

  private static final String THREE =
      """
      server.1=127.0.0.1:1001:1002:participant;127.0.0.1:1000
      server.2=127.0.0.1:2001:2002:participant;127.0.0.1:2000
      server.3=127.0.0.1:3001:3002:participant;127.0.0.1:3000
      version=100000003
      """;

  private static Member member(int ordinal) {
    int base = (ordinal + 1) * 1000;
    return new Member(
        ordinal, "127.0.0.1", Map.of("client", base, "quorum", base + 1, "election", base + 2));
  }

  private static Probe answered(int ordinal, String mode, String config, int syncedFollowers) {
    return new Probe(
        member(ordinal),
        Optional.of(new ServerState(Optional.of(mode), 0x100000010L, "")),
        Optional.of(ZooKeeperDynamicConfig.parse(config)),
        syncedFollowers,
        "");
  }

  private static Probe unreachable(int ordinal) {
    return new Probe(
        member(ordinal), Optional.empty(), Optional.empty(), 0, "no answer: Connection refused");
  }

  @Test
  void agreeingEnsembleWithOneLeaderIsHealthy() {
    // when
    ClusterView view =
        ZooKeeperMembership.viewOf(
            List.of(
                answered(0, "follower", THREE, 0),
                answered(1, "leader", THREE, 2),
                answered(2, "follower", THREE, 0)));

    // then
    assertThat(view.votingMembers()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(view.leader()).contains(1);
    assertThat(view.consistent()).isTrue();
    assertThat(view.healthy()).isTrue();
    assertThat(view.members().get(1).detail()).contains("syncedVotingFollowers=2/2");
  }

  @Test
  void memberWithAnOlderConfigurationMakesTheViewInconsistent() {
    // given
    String older =
        THREE
            .replace("server.3=127.0.0.1:3001:3002:participant;127.0.0.1:3000\n", "")
            .replace("version=100000003", "version=100000001");

    // when
    ClusterView view =
        ZooKeeperMembership.viewOf(
            List.of(
                answered(0, "follower", older, 0),
                answered(1, "leader", THREE, 2),
                answered(2, "follower", THREE, 0)));

    // then: the leader's configuration counts, the lagging member is flagged
    assertThat(view.votingMembers()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(view.consistent()).isFalse();
    assertThat(view.healthy()).isFalse();
    assertThat(view.members().get(0).healthy()).isFalse();
    assertThat(view.members().get(0).detail()).contains("differs from 0x100000003");
    assertThat(view.detail()).contains("disagree");
  }

  @Test
  void unreachableMemberIsUnhealthyButTheOthersStillGiveTheMembership() {
    // when
    ClusterView view =
        ZooKeeperMembership.viewOf(
            List.of(
                answered(0, "leader", THREE, 1),
                answered(1, "follower", THREE, 0),
                unreachable(2)));

    // then
    assertThat(view.votingMembers()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(view.leader()).contains(0);
    assertThat(view.healthy()).isFalse();
    assertThat(view.members().get(2))
        .extracting(MemberStatus::role, MemberStatus::healthy)
        .containsExactly("unreachable", false);
    assertThat(view.members().get(0).healthy()).isTrue();
  }

  @Test
  void leaderWithoutAQuorumOfSyncedVotersIsUnhealthy() {
    // when
    ClusterView view =
        ZooKeeperMembership.viewOf(
            List.of(answered(0, "leader", THREE, 0), unreachable(1), unreachable(2)));

    // then
    assertThat(view.members().get(0).healthy()).isFalse();
    assertThat(view.members().get(0).detail()).contains("no quorum of 3");
  }

  @Test
  void twoMembersClaimingLeadershipGiveNoLeaderAndNoConsistency() {
    // when
    ClusterView view =
        ZooKeeperMembership.viewOf(
            List.of(
                answered(0, "leader", THREE, 2),
                answered(1, "leader", THREE, 2),
                answered(2, "follower", THREE, 0)));

    // then
    assertThat(view.leader()).isEmpty();
    assertThat(view.consistent()).isFalse();
    assertThat(view.detail()).contains("leader=several");
  }

  @Test
  void runningServerNotYetInTheConfigurationIsAHealthyNonVotingFollower() {
    // given
    Probe newcomer =
        new Probe(
            member(3),
            Optional.of(new ServerState(Optional.of("follower"), 0x100000010L, "")),
            Optional.of(ZooKeeperDynamicConfig.parse(THREE)),
            0,
            "");

    // when
    ClusterView view =
        ZooKeeperMembership.viewOf(
            List.of(
                answered(0, "leader", THREE, 2),
                answered(1, "follower", THREE, 0),
                answered(2, "follower", THREE, 0),
                newcomer));

    // then
    assertThat(view.votingMembers()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(view.members().get(3).healthy()).isTrue();
    assertThat(view.members().get(3).detail()).contains("non-voting");
  }

  @Test
  void aFollowerIsInSyncWithANewlyElectedLeaderThatHasCommittedNothingYet() {
    // given a leader of epoch 2 with no transaction yet, followers at the last one of epoch 1
    long leader = 0x2_0000_0000L;
    long follower = 0x1_0000_000bL;

    // when / then
    assertThat(ZooKeeperMembership.behind(follower, leader)).isFalse();
    assertThat(ZooKeeperMembership.behind(follower, 0x2_0000_0001L)).isTrue();
    assertThat(ZooKeeperMembership.behind(0x1_0000_000aL, 0x1_0000_000bL)).isTrue();
    assertThat(ZooKeeperMembership.behind(0x1_0000_000bL, 0x1_0000_000bL)).isFalse();
  }
}
