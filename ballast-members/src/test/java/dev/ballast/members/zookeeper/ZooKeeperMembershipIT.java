package dev.ballast.members.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ZooKeeperMembership} against real ZooKeeper 3.9 servers: one 3-server ensemble for the
 * class, grown to 5 and shrunk back to 3 one member at a time under continuous writes.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ZooKeeperMembershipIT {

  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperMembershipIT.class);
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(45);

  @TempDir static Path root;
  private static ZooKeeperTestEnsemble ensemble;
  private static List<Member> initial;

  private final ZooKeeperMembership membership = new ZooKeeperMembership(Duration.ofSeconds(5));
  private final List<ClusterView> views = new ArrayList<>();

  @BeforeAll
  static void formEnsemble() {
    ensemble = new ZooKeeperTestEnsemble(root);
    initial = ensemble.form(3);
  }

  @AfterAll
  static void stopEnsemble() {
    if (ensemble != null) {
      ensemble.close();
    }
  }

  @Test
  void viewShowsThreeVotingMembersOneLeaderAndAgreement() {
    // given
    List<Member> current = initial;

    // when
    ClusterView view = awaitView(current, ordinals(current));

    // then
    assertThat(view.votingMembers()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(view.leader()).isPresent();
    assertThat(view.consistent()).isTrue();
    assertThat(view.members())
        .extracting(ClusterView.MemberStatus::role)
        .containsOnly("leader", "follower")
        .containsOnlyOnce("leader");
    assertThat(membership.notInSync(current)).as("every member in sync").isEmpty();
  }

  @Test
  void scalesThreeToFiveToThreeOneMemberAtATimeWithoutLosingAcknowledgedWrites() throws Exception {
    // given
    List<Member> current = new ArrayList<>(initial);
    Set<Integer> acknowledged;
    Writer writer = Writer.start(ZooKeeperTestEnsemble.connectString(initial));
    try {
      writer.awaitWrites(20);

      // when: 3 -> 5
      add(current, 3);
      add(current, 4);
      ClusterView atFive = awaitView(current, Set.of(0, 1, 2, 3, 4));
      int writesAtFive = writer.acknowledged.size();

      // then
      assertThat(atFive.members()).hasSize(5).allMatch(ClusterView.MemberStatus::healthy);

      // when: 5 -> 3
      remove(current, 4);
      remove(current, 3);
      writer.awaitWrites(writesAtFive + 20);
    } finally {
      acknowledged = writer.stop();
      LOG.info(
          "writes during 3 -> 5 -> 3: acknowledged={} failed={}",
          acknowledged.size(),
          writer.failed.get());
    }

    // then
    ClusterView atThree = awaitView(current, Set.of(0, 1, 2));
    assertThat(atThree.healthy()).isTrue();
    assertThat(views)
        .as("every view taken during the change has a leader and a serving voting majority")
        .allSatisfy(ZooKeeperMembershipIT::assertLeaderAndQuorum);
    assertThat(acknowledged).hasSizeGreaterThan(40);
    assertThat(readBack(ZooKeeperTestEnsemble.connectString(current)))
        .as("every acknowledged write is readable after 3 -> 5 -> 3")
        .containsAll(acknowledged);
  }

  @Test
  void memberKilledBeforeJoinIsRefusedAndTheEnsembleStaysHealthyAtThree() {
    // given
    List<Member> current = List.copyOf(initial);
    Member joining = ensemble.reserve(3);
    ensemble.start(joining, membership.announce(joining, current));
    await("member 3 ready")
        .atMost(STEP_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> membership.isReady(joining, current));

    // when
    ensemble.kill(3);

    // then
    try {
      assertThat(membership.isReady(joining, current)).isFalse();
      assertThat(membership.notReady(joining, current))
          .hasValueSatisfying(why -> assertThat(why).contains("does not answer 'ruok'"));
      assertThatThrownBy(() -> membership.join(joining, current))
          .isInstanceOf(MembershipException.class)
          .hasMessageContaining("member 3")
          .hasMessageContaining("not ready");
      ClusterView view = awaitView(current, Set.of(0, 1, 2));
      assertThat(view.healthy()).isTrue();
      assertThat(view.leader()).isPresent();
      assertThat(views).allSatisfy(ZooKeeperMembershipIT::assertLeaderAndQuorum);
    } finally {
      ensemble.stopAndDelete(3);
    }
  }

  @Test
  void memberThatDiesRightAfterJoiningIsRemovedAgainAndTheEnsembleIsHealthyAtThree() {
    // given: member 3 joined, then its process was killed (a rollback of the add step follows)
    List<Member> current = List.copyOf(initial);
    Member joining = ensemble.reserve(3);
    try {
      ensemble.start(joining, membership.announce(joining, current));
      await("member 3 ready")
          .atMost(STEP_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> membership.isReady(joining, current));
      membership.join(joining, current);
      ensemble.kill(3);
      List<Member> withDead = new ArrayList<>(current);
      withDead.add(joining);
      assertThat(membership.view(withDead).healthy()).isFalse();

      // when
      membership.leave(joining, current);

      // then
      ClusterView view = awaitView(current, Set.of(0, 1, 2));
      assertThat(view.healthy()).isTrue();
      assertThat(liveConfig(current).server(4)).isEmpty();
      assertThat(views).allSatisfy(ZooKeeperMembershipIT::assertLeaderAndQuorum);
    } finally {
      ensemble.stopAndDelete(3);
    }
  }

  @Test
  void viewsReuseOneSessionPerServerAndRecoverWhenTheServerRestarts() {
    // given: a view opened a session on every member
    List<Member> current = List.copyOf(initial);
    awaitView(current, ordinals(current));
    Member restarted = current.get(2);
    String address = ZooKeeperTestEnsemble.connectString(List.of(restarted));
    ZooKeeperMembership.Session kept = membership.sessions().get(address);

    // when
    awaitView(current, ordinals(current));

    // then: the next view used the same session
    assertThat(membership.sessions().get(address)).isSameAs(kept);

    // when: the server restarts, dropping its clients
    ensemble.restart(restarted.ordinal());

    // then: views recover (on the reconnected session or a new one) and see it healthy again
    ClusterView after = awaitView(current, ordinals(current));
    assertThat(after.members()).allMatch(ClusterView.MemberStatus::healthy);
  }

  @Test
  void leaveOfAServerThatIsNotAMemberChangesNothing() {
    // given
    List<Member> current = List.copyOf(initial);
    Member stranger = ZooKeeperServerProcess.localMember(6);
    ZooKeeperDynamicConfig before = liveConfig(current);

    // when
    membership.leave(stranger, current);

    // then
    assertThat(liveConfig(current)).isEqualTo(before);
  }

  private static ZooKeeperDynamicConfig liveConfig(List<Member> members) {
    try (ZooKeeperMembership.Session s =
        ZooKeeperMembership.Session.open(
            ZooKeeperTestEnsemble.connectString(members), Duration.ofSeconds(5))) {
      return s.getConfig();
    }
  }

  private void add(List<Member> current, int ordinal) {
    Member joining = ensemble.reserve(ordinal);
    // ANNOUNCE, twice: the second call must give the same settings.
    Map<String, String> settings = membership.announce(joining, current);
    assertThat(membership.announce(joining, current)).isEqualTo(settings);
    assertThat(settings.get(ZooKeeperServerConfig.DYNAMIC_CONFIG_SETTING))
        .contains("server." + (ordinal + 1) + "=");
    // START, READY
    ensemble.start(joining, settings);
    await("member " + ordinal + " ready")
        .atMost(STEP_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> membership.isReady(joining, current));
    // JOIN, twice: the second is a no-op.
    membership.join(joining, current);
    membership.join(joining, current);
    current.add(joining);
    // VERIFY
    awaitView(current, ordinals(current));
  }

  private void remove(List<Member> current, int ordinal) {
    Member leaving = current.stream().filter(m -> m.ordinal() == ordinal).findFirst().orElseThrow();
    current.remove(leaving);
    // DRAIN, DRAINED
    membership.drain(leaving, current);
    assertThat(membership.drainProgress(leaving, current).done()).isTrue();
    // LEAVE, twice: the second is a no-op.
    membership.leave(leaving, current);
    membership.leave(leaving, current);
    awaitView(current, ordinals(current));
    // STOP, GONE, CLEANUP, VERIFY
    ensemble.stopAndDelete(ordinal);
    awaitView(current, ordinals(current));
  }

  /** Polls the view until it is healthy with exactly {@code voting}; records every view seen. */
  private ClusterView awaitView(List<Member> members, Set<Integer> voting) {
    ClusterView[] last = new ClusterView[1];
    try {
      await("healthy view with voting members " + voting)
          .atMost(STEP_TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                ClusterView v = membership.view(members);
                views.add(v);
                last[0] = v;
                return v.healthy() && v.votingMembers().equals(voting) && v.leader().isPresent();
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("last view: " + last[0], e);
    }
    return last[0];
  }

  private static void assertLeaderAndQuorum(ClusterView v) {
    assertThat(v.leader()).as("leader in %s", v).isPresent();
    long servingVoters =
        v.members().stream()
            .filter(m -> v.votingMembers().contains(m.ordinal()))
            .filter(m -> m.role().equals("leader") || m.role().equals("follower"))
            .count();
    assertThat(servingVoters)
        .as("serving voting members in %s", v)
        .isGreaterThan(v.votingMembers().size() / 2);
  }

  private static Set<Integer> ordinals(List<Member> members) {
    return members.stream().map(Member::ordinal).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Integer> readBack(String connectString) throws Exception {
    try (ZooKeeper zk = connect(connectString)) {
      CountDownLatch synced = new CountDownLatch(1);
      zk.sync(Writer.PARENT, (rc, path, ctx) -> synced.countDown(), null);
      assertThat(synced.await(10, TimeUnit.SECONDS)).isTrue();
      return zk.getChildren(Writer.PARENT, false).stream()
          .map(name -> Integer.parseInt(name.substring("w-".length())))
          .collect(Collectors.toCollection(HashSet::new));
    }
  }

  private static ZooKeeper connect(String connectString) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZKClientConfig conf = new ZKClientConfig();
    conf.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
    ZooKeeper zk =
        new ZooKeeper(
            connectString,
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            },
            conf);
    if (!connected.await(20, TimeUnit.SECONDS)) {
      zk.close();
      throw new AssertionError("no session with " + connectString);
    }
    return zk;
  }

  /** Creates one znode every few milliseconds and remembers those ZooKeeper acknowledged. */
  private static final class Writer {
    static final String PARENT = "/ballast-it";

    final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicBoolean stop = new AtomicBoolean();
    final ZooKeeper zk;
    final Thread thread;

    private Writer(ZooKeeper zk) {
      this.zk = zk;
      this.thread = new Thread(this::run, "zk-it-writer");
    }

    static Writer start(String connectString) throws Exception {
      ZooKeeper zk = connect(connectString);
      try {
        zk.create(PARENT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      } catch (KeeperException.NodeExistsException e) {
        // Left by an earlier test of this class: the names below stay unique anyway.
      }
      Writer w = new Writer(zk);
      w.thread.start();
      return w;
    }

    private void run() {
      // At most 5 minutes of writes, whatever happens to the test thread.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      for (int i = 0; !stop.get() && System.nanoTime() < deadline; i++) {
        try {
          zk.create(
              PARENT + "/w-" + i,
              ("write " + i).getBytes(StandardCharsets.UTF_8),
              ZooDefs.Ids.OPEN_ACL_UNSAFE,
              CreateMode.PERSISTENT);
          acknowledged.add(i);
        } catch (KeeperException e) {
          // Not acknowledged (for example connection loss while its server stopped): no claim.
          failed.incrementAndGet();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    }

    void awaitWrites(int count) {
      await("at least " + count + " acknowledged writes")
          .atMost(Duration.ofSeconds(30))
          .until(() -> acknowledged.size() >= count);
    }

    Set<Integer> stop() throws InterruptedException {
      stop.set(true);
      thread.join(TimeUnit.SECONDS.toMillis(30));
      zk.close();
      return Set.copyOf(acknowledged);
    }
  }
}
