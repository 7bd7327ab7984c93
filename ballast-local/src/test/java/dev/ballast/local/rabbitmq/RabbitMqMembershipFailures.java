package dev.ballast.local.rabbitmq;

import static dev.ballast.local.rabbitmq.RabbitMqTestCluster.MESSAGES;
import static dev.ballast.local.rabbitmq.RabbitMqTestCluster.QUEUES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.rabbitmq.RabbitMqMembership;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link RabbitMqMembership} refuses or stops on real RabbitMQ nodes, with every message kept:
 * a drain that would leave a quorum queue without a majority, a leave of a node that still holds
 * replicas, a fill whose new node died, a drain whose remaining nodes lost their majority. Run as
 * {@link RabbitMqMembershipContractIT.Failures}, on the nodes of {@link SharedRabbitMqCluster} in
 * the JVM that runs the contract (a second cluster of three nodes would cost about as much as these
 * stories), restored to three healthy nodes before each test (cheap when the test before left it
 * intact; nothing is restored after the last one).
 */
abstract class RabbitMqMembershipFailures {
  private RabbitMqTestCluster cluster;
  private RabbitMqMembership membership;

  @BeforeEach
  void restore() {
    cluster = SharedRabbitMqCluster.get();
    membership = cluster.membership;
    cluster.restore(3);
  }

  /**
   * Two stories with one given (node 1 down while node 2 leaves), so one node stop and restart: a
   * new drain is refused up front, and the progress poll of a drain that was already started (then
   * Ballast died) stops it. The refused drain changed nothing (asserted), so the poll meets the
   * same cluster it would meet alone.
   */
  @Test
  void refusesOrStopsADrainThatWouldLeaveAQuorumQueueWithoutAMajorityAndNamesTheQueues()
      throws Exception {
    // given node 1 is down: without node 2 the queues would keep 1 of their 2 other replicas
    cluster.runtime.stop(1);
    Member leaving = cluster.runtime.member(2).orElseThrow();
    List<Member> remaining = cluster.members(2);

    // when / then: a new drain is refused
    assertThatThrownBy(() -> membership.drain(leaving, remaining))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("would leave quorum queues without a majority")
        .hasMessageContaining("orders (1 of 2 replicas online)")
        .hasMessageContaining("events (1 of 2 replicas online)")
        .hasMessageContaining("bring their stopped members back");
    assertThat(membership.notInSync(remaining)).get().asString().contains("orders", "events");
    assertEveryQueueKeepsItsReplicasAndMessages(3);

    // when / then: the drain of node 2 was started (then Ballast died) before node 1 died; the
    // poll after a resume stops the drain and says what to do
    assertThatThrownBy(() -> membership.drainProgress(leaving, remaining))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("the drain of ballast-2@localhost (member 2) stopped")
        .hasMessageContaining("orders (1 of 2 replicas online)")
        .hasMessageContaining("no message is lost")
        .hasMessageContaining("bring the stopped members back (ballast up)");
    assertEveryQueueKeepsItsReplicasAndMessages(3);
  }

  @Test
  void refusesToLetANodeThatStillHoldsReplicasLeave() {
    // given
    Member leaving = cluster.runtime.member(2).orElseThrow();

    // when / then
    assertThatThrownBy(() -> membership.leave(leaving, cluster.members(2)))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("still holds replicas of quorum queues")
        .hasMessageContaining("drain it before it leaves");
  }

  @Test
  void aNodeThatDiesDuringTheFillStopsItSaysWhatToDoAndEveryMessageStays() throws Exception {
    // given node 3 joined, then died before its fill completed
    List<Member> current = cluster.members(3);
    Member joined = cluster.runtime.prepare(3);
    cluster.runtime.start(joined, Map.of());
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> membership.notReady(joined, current).isEmpty());
    membership.join(joined, current);
    cluster.runtime.stop(3);

    // when / then
    membership.rebalance(joined, current);
    assertThatThrownBy(() -> membership.rebalanceProgress(joined, current))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("ballast-3@localhost (member 3) stopped during the fill")
        .hasMessageContaining("no message is lost")
        .hasMessageContaining("restart it (ballast up) to continue, or lower the target");
    assertEveryQueueKeepsItsReplicasAndMessages(3);
  }

  /** Each queue still lists {@code replicas} members and serves all its messages from node 0. */
  private void assertEveryQueueKeepsItsReplicasAndMessages(int replicas) throws Exception {
    assertThat(membership.quorumQueues(cluster.members(1)))
        .hasSize(QUEUES.size())
        .allSatisfy(q -> assertThat(q.members()).hasSize(replicas));
    for (String q : QUEUES) {
      assertThat(cluster.messageCount(0, q)).as(q).isEqualTo(MESSAGES);
    }
  }
}
