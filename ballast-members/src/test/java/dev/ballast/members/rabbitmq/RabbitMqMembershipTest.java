package dev.ballast.members.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.members.rabbitmq.RabbitMqMembership.QuorumQueue;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The majority rule the RabbitMQ adapter applies before and during a drain, on queue listings as
 * {@code rabbitmqctl list_queues name members online} reports them.
 */
class RabbitMqMembershipTest {
  private static final String N0 = "ballast-0@localhost";
  private static final String N1 = "ballast-1@localhost";
  private static final String N2 = "ballast-2@localhost";

  private static QuorumQueue queue(String name, List<String> members, List<String> online) {
    return new QuorumQueue("/", name, members, online);
  }

  @Test
  void aQueueWhoseOtherReplicasAreAllOnlineMayLoseTheLeavingOne() {
    // given
    List<QuorumQueue> queues = List.of(queue("q", List.of(N0, N1, N2), List.of(N0, N1, N2)));

    // when / then
    assertThat(RabbitMqMembership.withoutMajority(queues, Set.of(N0, N1), N2)).isEmpty();
  }

  @Test
  void aQueueLeftWithOneOfTwoReplicasOnlineIsNamedWithItsCounts() {
    // given node 1 is down
    List<QuorumQueue> queues =
        List.of(
            queue("orders", List.of(N0, N1, N2), List.of(N0, N2)),
            new QuorumQueue("shop", "carts", List.of(N0, N1, N2), List.of(N0, N2)));

    // when
    List<String> refused = RabbitMqMembership.withoutMajority(queues, Set.of(N0, N1), N2);

    // then: named with its virtual host unless it is the default one
    assertThat(refused)
        .containsExactly("orders (1 of 2 replicas online)", "shop/carts (1 of 2 replicas online)");
  }

  @Test
  void aQueueWithoutAReplicaOnTheLeavingNodeIsNotItsConcern() {
    // given
    List<QuorumQueue> queues = List.of(queue("q", List.of(N0, N1), List.of(N0)));

    // when / then
    assertThat(RabbitMqMembership.withoutMajority(queues, Set.of(N0, N1), N2)).isEmpty();
  }

  @Test
  void aQueueWhoseOnlyReplicaIsOnTheLeavingNodeIsMovedWhileItRunsAndRefusedOnceItIsDown() {
    // given
    List<QuorumQueue> up = List.of(queue("solo", List.of(N2), List.of(N2)));
    List<QuorumQueue> down = List.of(queue("solo", List.of(N2), List.of()));

    // when / then
    assertThat(RabbitMqMembership.withoutMajority(up, Set.of(N0, N1), N2)).isEmpty();
    assertThat(RabbitMqMembership.withoutMajority(down, Set.of(N0, N1), N2))
        .containsExactly("solo (no replica online on the remaining members)");
  }

  @Test
  void withoutALeavingNodeEveryQueueMustHaveAnOnlineMajorityAmongTheGivenNodes() {
    // given the remaining nodes 0 and 1, with 1 down (asked before STOP)
    List<QuorumQueue> queues =
        List.of(queue("a", List.of(N0, N1), List.of(N0)), queue("b", List.of(N0), List.of(N0)));

    // when / then
    assertThat(RabbitMqMembership.withoutMajority(queues, Set.of(N0, N1), ""))
        .containsExactly("a (1 of 2 replicas online)");
  }
}
