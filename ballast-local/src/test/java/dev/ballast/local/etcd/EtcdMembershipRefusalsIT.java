package dev.ballast.local.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.etcd.EtcdMembership;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What etcd refuses, and that the adapter waits for a bounded time and then reports etcd's reason:
 * a change while a member is down, the removal of a member that would leave no healthy majority,
 * the promotion of a learner that has not caught up (never started). The members start once for the
 * class and are restored after each test ({@link EtcdTestCluster#restore}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdMembershipRefusalsIT {
  private static final Duration CHANGE_WAIT = Duration.ofSeconds(2);

  private EtcdTestCluster cluster;
  private EtcdMembership membership;

  @BeforeEach
  void start() throws Exception {
    if (cluster == null) {
      cluster = EtcdTestCluster.start(3);
      membership = new EtcdMembership(Duration.ofSeconds(2), CHANGE_WAIT);
    }
    await()
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> membership.view(cluster.members(3)).healthy());
  }

  /** The members the test stopped start again, the ones it added go; or new members next time. */
  @AfterEach
  void restore() throws Exception {
    boolean restored = false;
    try {
      restored = cluster.restore(3);
    } finally {
      if (!restored) {
        stop();
      }
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      membership.close();
      cluster.close();
      cluster = null;
    }
  }

  @Test
  void refusesToAddALearnerWhileAMemberIsDownAfterWaitingABoundedTime() {
    // given member 2 is down
    cluster.runtime.stop(2);
    Member joining = cluster.runtime.prepare(3);
    List<Member> current = cluster.members(3);

    // when
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> membership.announce(joining, current))
        // then: etcd's own reason, after the bounded wait and not much longer
        .isInstanceOf(MembershipException.class)
        .hasMessageStartingWith("etcd refused to add member 3 as a learner: ")
        .hasMessageContaining("unhealthy cluster");
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(took).isBetween(CHANGE_WAIT, CHANGE_WAIT.plusSeconds(15));
    ClusterView view = membership.view(cluster.members(2));
    assertThat(view.votingMembers()).containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void neverRemovesAMemberWhenTheRestWouldHaveNoHealthyMajority() {
    // given member 1 is down: removing member 2 would leave {0, 1} with one of two running
    cluster.runtime.stop(1);
    Member leaving = cluster.runtime.member(2).orElseThrow();

    // when / then
    assertThatThrownBy(() -> membership.leave(leaving, cluster.members(2)))
        .isInstanceOf(MembershipException.class)
        .hasMessageStartingWith("etcd refused to remove member 2: ");
    assertThat(membership.view(List.of(cluster.runtime.member(0).orElseThrow())).votingMembers())
        .containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void aLearnerThatNeverStartedIsNotReadyAndItsPromotionIsRefusedWithEtcdsReason() {
    // given a learner that was added but never started
    Member joining = cluster.runtime.prepare(3);
    List<Member> current = cluster.members(3);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> !membership.announce(joining, current).isEmpty());

    // then
    assertThat(membership.notReady(joining, current))
        .get()
        .asString()
        .startsWith("it does not answer");
    assertThatThrownBy(() -> membership.join(joining, current))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("learner");
    assertThat(membership.view(current).votingMembers()).containsExactlyInAnyOrder(0, 1, 2);

    // and it leaves again without trace
    membership.leave(joining, current);
    assertThat(membership.view(current).healthy()).isTrue();
  }
}
