package dev.ballast.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.RebalanceProgress;
import dev.ballast.core.port.ReplicaRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The behaviour every {@link Membership} adapter must have, checked against a real running cluster
 * of {@link #initialSize()} members: the view of a healthy cluster, adding a member through
 * announce → start → ready → join (then, for a system that {@link Membership#fills}, rebalance
 * until the new member holds its share), removing one through drain → leave (then, for a system
 * that {@link Membership#forgetsAfterStop}, stop → forget), and idempotence of every change. Extend
 * it and implement {@link #startCluster(int)}, which starts the members (ordinals 0..size-1)
 * through a runtime that can also start the members the tests add.
 *
 * <p>A cluster is shared by consecutive tests as long as each of them proved, by its own
 * assertions, that it left the cluster as it found it (those tests run first). Before the test that
 * follows one that changed it, the subclass may {@link #restore} it cheaply (so nothing is restored
 * after the last test); otherwise, or when the test failed, the cluster is closed and the next test
 * starts a new one. Every test starts by awaiting a healthy view of exactly members 0..size-1, on a
 * new cluster or a shared one, and passes alone as well. Stories that share their given run as one
 * test (a member start is the slow part on a real cluster).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class MembershipContract {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipContract.class);

  /**
   * A running cluster for one test: the runtime that runs its members, the adapter under test, and
   * what stops everything afterwards.
   */
  public record Cluster(ReplicaRuntime runtime, Membership membership, AutoCloseable closer) {}

  private Cluster cluster;
  private ReplicaRuntime runtime;
  private Membership membership;
  private boolean unchanged;
  private boolean passed;

  /** A test passed with changes: the next one restores the cluster before it starts. */
  private boolean changed;

  /** Starts {@code size} members (ordinals 0..size-1) that form a healthy cluster. */
  protected abstract Cluster startCluster(int size) throws Exception;

  /**
   * Brings a cluster that a test changed back to running, healthy members 0..size-1 and no other,
   * as {@link #startCluster} left them, when that is cheaper than a new cluster; answers false (the
   * default) when it cannot, and the cluster is closed. It must not rely on the adapter under test:
   * a restore that went wrong would hide a fault. The next test still awaits the healthy view.
   */
  protected boolean restore(Cluster cluster, int size) throws Exception {
    return false;
  }

  /** The size of the cluster each test starts with; at least 3 so that one can leave. */
  protected int initialSize() {
    return 3;
  }

  /** How long a membership change or a start may take to show. */
  protected Duration settleTimeout() {
    return Duration.ofSeconds(60);
  }

  @BeforeEach
  final void start() throws Exception {
    unchanged = false;
    passed = false;
    if (changed && cluster != null) {
      changed = false;
      boolean restored = false;
      try {
        restored = restore(cluster, initialSize());
      } catch (Exception | AssertionError e) {
        LOG.warn("could not restore the cluster, starting a new one: {}", e.toString());
      }
      if (!restored) {
        closeCluster();
      }
    }
    if (cluster == null) {
      cluster = startCluster(initialSize());
      runtime = cluster.runtime();
      membership = cluster.membership();
    }
    awaitView(members(initialSize()), ordinals(initialSize()));
  }

  /**
   * Called last by a test whose assertions proved that the cluster is as the test found it: the
   * next test may use it.
   */
  private void leftUnchanged() {
    unchanged = true;
  }

  /** Called last by a test that changed the cluster: it may be restored for the next test. */
  private void passedWithChanges() {
    passed = true;
  }

  @AfterEach
  final void stop() throws Exception {
    if (unchanged) {
      return;
    }
    if (passed && cluster != null) {
      changed = true; // restored (or replaced) before the next test, if there is one
      return;
    }
    closeCluster();
  }

  @AfterAll
  final void stopShared() throws Exception {
    changed = false;
    closeCluster();
  }

  private void closeCluster() throws Exception {
    Cluster closing = cluster;
    cluster = null;
    if (closing != null) {
      closing.closer().close();
    }
  }

  private List<Member> members(int size) {
    return IntStream.range(0, size).mapToObj(i -> runtime.member(i).orElseThrow()).toList();
  }

  private static Set<Integer> ordinals(int size) {
    return IntStream.range(0, size).boxed().collect(Collectors.toSet());
  }

  private void awaitView(List<Member> members, Set<Integer> voting) {
    await()
        .atMost(settleTimeout())
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              ClusterView view = membership.view(members);
              assertThat(view.votingMembers()).isEqualTo(voting);
              assertThat(view.healthy()).as("healthy: %s", view).isTrue();
            });
  }

  private Member addMember() {
    int n = initialSize();
    List<Member> current = members(n);
    Member joining = runtime.prepare(n);
    Map<String, String> settings = membership.announce(joining, current);
    runtime.start(joining, settings);
    await()
        .atMost(settleTimeout())
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> membership.isReady(joining, current));
    membership.join(joining, current);
    return joining;
  }

  @Test
  @Order(1)
  void theViewOfAFreshClusterShowsEveryMemberVotingAndHealthy() {
    // when
    ClusterView view = membership.view(members(initialSize()));

    // then
    assertThat(view.votingMembers()).isEqualTo(ordinals(initialSize()));
    assertThat(view.consistent()).isTrue();
    assertThat(view.healthy()).isTrue();
    assertThat(view.members())
        .extracting(ClusterView.MemberStatus::ordinal)
        .containsExactlyInAnyOrderElementsOf(ordinals(initialSize()));
    leftUnchanged();
  }

  /** One member added: one join makes it a voter, and joining it again (a re-run) keeps that. */
  @Test
  @Order(6)
  void addsAMemberThroughAnnounceStartReadyAndJoinAndJoiningTwiceHasTheEffectOfJoiningOnce() {
    // when
    Member joined = addMember();

    // then
    awaitView(members(initialSize() + 1), ordinals(initialSize() + 1));

    // when joined again (a crash re-ran the stage)
    membership.join(joined, members(initialSize()));

    // then
    awaitView(members(initialSize() + 1), ordinals(initialSize() + 1));
    passedWithChanges();
  }

  /**
   * One member announced: before it runs it is not ready; announced again, started and joined, it
   * is a voter. The readiness questions only read, so the second announce meets the cluster the
   * first one left.
   */
  @Test
  @Order(8)
  void aMemberThatIsNotRunningIsNotReadyAndAnnouncingItTwiceThenAddingItWorksAsAnnouncingOnce() {
    // given
    int n = initialSize();
    List<Member> current = members(n);
    Member joining = runtime.prepare(n);
    membership.announce(joining, current);

    // then: not ready, and the reason (when the adapter gives one) agrees
    assertThat(membership.isReady(joining, members(n))).isFalse();
    assertThat(membership.notReady(joining, members(n))).isPresent();

    // when announced again (a crash re-ran the stage) and started with the second settings
    Map<String, String> settings = membership.announce(joining, current);
    runtime.start(joining, settings);
    await()
        .atMost(settleTimeout())
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> membership.isReady(joining, current));
    membership.join(joining, current);

    // then
    awaitView(members(n + 1), ordinals(n + 1));
    passedWithChanges();
  }

  @Test
  @Order(10)
  void fillsAJoinedMemberUntilItHoldsItsShareAndFillingTwiceIsHarmless() {
    // given
    int n = initialSize();
    Member joined = addMember();
    List<Member> current = members(n);

    // when (a system that needs no fill must answer done at once)
    membership.rebalance(joined, current);
    membership.rebalance(joined, current);
    await()
        .atMost(settleTimeout())
        .pollInterval(Duration.ofMillis(100))
        .until(() -> membership.rebalanceProgress(joined, current).done());

    // then it stays done when asked again (a crash before the journal moved on), and holds it all
    RebalanceProgress again = membership.rebalanceProgress(joined, current);
    assertThat(again.done()).isTrue();
    assertThat(again.moved()).isEqualTo(again.total());
    if (!membership.fills()) {
      assertThat(again.total()).as("nothing moves for a system without fills").isZero();
    }
    awaitView(members(n + 1), ordinals(n + 1));
    passedWithChanges();
  }

  @Test
  @Order(2)
  void cancellingAFillThatNeverStartedChangesNothing() {
    // given
    int n = initialSize();
    Member last = runtime.member(n - 1).orElseThrow();

    // when
    membership.cancelRebalance(last, members(n - 1));

    // then
    awaitView(members(n), ordinals(n));
    leftUnchanged();
  }

  @Test
  @Order(11)
  void removesTheHighestMemberThroughDrainAndLeaveAndLeavingTwiceIsHarmless() {
    // given
    int n = initialSize();
    Member leaving = runtime.member(n - 1).orElseThrow();
    List<Member> remaining = members(n - 1);

    // when
    membership.drain(leaving, remaining);
    await()
        .atMost(settleTimeout())
        .pollInterval(Duration.ofMillis(100))
        .until(() -> membership.drainProgress(leaving, remaining).done());
    membership.leave(leaving, remaining);
    membership.leave(leaving, remaining);
    if (membership.forgetsAfterStop()) {
      // as the executor does: it is unregistered once stopped (RabbitMQ's forget_cluster_node)
      runtime.stop(n - 1);
      membership.forget(leaving, remaining);
      membership.forget(leaving, remaining);
    }

    // then
    awaitView(remaining, ordinals(n - 1));
    passedWithChanges();
  }

  @Test
  @Order(4)
  void leavingAMemberThatNeverJoinedChangesNothing() {
    // given
    int n = initialSize();
    Member stranger = runtime.prepare(n);

    // when
    membership.leave(stranger, members(n));

    // then
    awaitView(members(n), ordinals(n));
    leftUnchanged();
  }

  @Test
  @Order(3)
  void cancellingADrainThatNeverStartedChangesNothing() {
    // given
    int n = initialSize();
    Member last = runtime.member(n - 1).orElseThrow();

    // when
    membership.cancelDrain(last, members(n - 1));

    // then
    awaitView(members(n), ordinals(n));
    leftUnchanged();
  }

  @Test
  @Order(9)
  void reportsAStoppedMemberAsUnhealthy() {
    // given
    int n = initialSize();

    // when
    runtime.stop(n - 1);

    // then
    await()
        .atMost(settleTimeout())
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !membership.view(members(n)).healthy());
    passedWithChanges();
  }
}
