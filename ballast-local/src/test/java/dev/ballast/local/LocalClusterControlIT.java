package dev.ballast.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.execute.EventReason;
import dev.ballast.core.execute.ScalingEvent;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.Member;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.runtime.ProcessIdentity;
import dev.ballast.members.zookeeper.ZooKeeperServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterControlIT {
  @TempDir Path dir;
  private ClusterFile cluster;

  @AfterEach
  void purge() throws Exception {
    if (cluster != null) {
      try (LocalWiring w = LocalWiring.exclusive(cluster, Clock.systemUTC())) {
        new LocalClusterControl(w).purge(java.util.Set.of());
        assertThat(w.runtime().clusterProcesses()).isEmpty();
      }
    }
  }

  private ClusterFile zookeeper(int replicas) throws Exception {
    Path file = dir.resolve("zk.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: zk-it
        spec:
          stateDir: state
          replicas: %d
          minReplicas: 1
          maxReplicas: 5
          member:
            kind: zookeeper
            heap: 64m
            tickTime: 200ms
        """
            .formatted(replicas));
    cluster = ClusterFile.load(file);
    return cluster;
  }

  @Test
  void upStartsAHealthyEnsembleAndDownThenUpKeepsItsData() throws Exception {
    // given
    ClusterFile file = zookeeper(3);
    List<String> progress = new ArrayList<>();
    ClusterStatus status;
    try (LocalWiring w = LocalWiring.exclusive(file, Clock.systemUTC())) {
      // when
      status = new LocalClusterControl(w).up(Duration.ofSeconds(90), progress::add);
    }

    // then
    assertThat(status.healthy()).isTrue();
    assertThat(status.replicas()).isEqualTo(3);
    assertThat(status.leader()).isNotNull();
    assertThat(status.members())
        .extracting(ClusterStatus.MemberState::role)
        .containsOnly("leader", "follower")
        .containsOnlyOnce("leader");
    assertThat(progress).hasSize(4);
    String connect = connectString(status);
    write(connect, "/survives-down", "v1");

    // when: down keeps the state, up restarts the same members
    try (LocalWiring w = LocalWiring.exclusive(file, Clock.systemUTC())) {
      LocalClusterControl control = new LocalClusterControl(w);
      assertThat(control.down()).containsExactly(0, 1, 2);
      assertThat(w.runtime().clusterProcesses()).isEmpty();
      assertThat(control.status().members())
          .extracting(ClusterStatus.MemberState::role)
          .containsOnly("stopped");
      status = control.up(Duration.ofSeconds(90), s -> {});
    }

    // then
    assertThat(status.healthy()).isTrue();
    assertThat(connectString(status)).isEqualTo(connect);
    assertThat(read(connect, "/survives-down")).isEqualTo("v1");
  }

  @Test
  void aSecondProcessIsRefusedWhileTheLockIsHeld() throws Exception {
    // given
    ClusterFile file = zookeeper(1);
    try (LocalWiring first = LocalWiring.exclusive(file, Clock.systemUTC())) {
      // when / then
      assertThatThrownBy(() -> LocalWiring.exclusive(file, Clock.systemUTC()))
          .isInstanceOf(ClusterBusyException.class)
          .hasMessage(
              "another ballast process (pid "
                  + ProcessHandle.current().pid()
                  + ") is operating this cluster; wait for it to finish or stop it");
    }
  }

  /**
   * A removal never lowers the number of failures the ensemble can absorb: when a remaining voter
   * dies while the leaving member drains, the leaving member is neither removed nor stopped until
   * the dead one is back, and the operation then finishes.
   */
  @Test
  void holdsTheRemovalWhileARemainingVoterIsDownAndFinishesOnceItIsBack() throws Exception {
    // given 5 ZooKeeper servers
    zookeeper(5);
    try (LocalWiring w = LocalWiring.exclusive(cluster, Clock.systemUTC())) {
      LocalClusterControl control = new LocalClusterControl(w);
      ClusterStatus up = control.up(Duration.ofSeconds(120), s -> {});
      assertThat(up.healthy()).isTrue();
      int victim =
          up.members().stream()
              .filter(m -> m.ordinal() < 3 && m.role().equals("follower"))
              .findFirst()
              .orElseThrow()
              .ordinal();
      AtomicInteger killed = new AtomicInteger(-1);
      List<ScalingEvent> events = new CopyOnWriteArrayList<>();

      // when: scaling to 3, a remaining voter is killed while member 4 drains
      CompletableFuture<ScaleResult> scaling =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return control.scale(
                      3,
                      e -> {
                        events.add(e);
                        if (e.reason() == EventReason.STAGE_COMPLETED
                            && e.stage() == Stage.DRAIN
                            && Integer.valueOf(4).equals(e.ordinal())
                            && killed.compareAndSet(-1, victim)) {
                          kill(w, victim);
                        }
                      });
                } catch (ClusterOperationException e) {
                  throw new IllegalStateException(e);
                }
              });

      // then: the removal is held, naming the dead member; member 4 still votes and runs
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> events.stream().anyMatch(e -> e.reason() == EventReason.REMOVAL_HELD));
      assertThat(killed.get()).isEqualTo(victim);
      assertThat(events.stream().filter(e -> e.reason() == EventReason.REMOVAL_HELD).findFirst())
          .get()
          .extracting(ScalingEvent::message)
          .asString()
          .contains("held before LEAVE of member 4 by members [" + victim + "]");
      await()
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> w.runtime().isRunning(4) && votes(w, 4) && !scaling.isDone());

      // when: the killed member comes back
      restart(w, victim);
      ScaleResult result;
      try {
        result = scaling.get(120, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError(
            "the operation did not finish; view "
                + w.membership().view(w.runtime().members())
                + "; journal "
                + w.operations().load()
                + "; events "
                + events.stream()
                    .map(x -> x.reason() + " " + x.stage() + " " + x.message())
                    .toList(),
            e);
      }

      // then: the operation finished at 3 healthy voting members
      assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
      assertThat(result.verified()).as(result.message()).isTrue();
      assertThat(result.status().replicas()).isEqualTo(3);
      assertThat(w.runtime().isRunning(4)).isFalse();
      assertThat(w.runtime().isRunning(3)).isFalse();
    }
  }

  private static void kill(LocalWiring w, int ordinal) {
    Optional<ProcessIdentity> p = w.runtime().process(ordinal);
    assertThat(p).as("member " + ordinal + " runs").isPresent();
    ProcessHandle handle = ProcessHandle.of(p.get().pid()).orElseThrow();
    handle.descendants().forEach(ProcessHandle::destroyForcibly);
    handle.destroyForcibly();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !ProcessIdentity.isAlive(p.get().pid(), p.get().startTicks()));
  }

  private static void restart(LocalWiring w, int ordinal) {
    List<Member> members = w.runtime().members();
    Member m = w.runtime().member(ordinal).orElseThrow();
    w.runtime()
        .start(
            m,
            ZooKeeperServerConfig.launchSettings(
                ZooKeeperServerConfig.dynamicConfig(
                    members.stream().filter(x -> x.ordinal() <= 4).toList())));
  }

  private static boolean votes(LocalWiring w, int ordinal) {
    ClusterView view = w.membership().view(w.runtime().members().subList(0, 4));
    return view.votingMembers().contains(ordinal);
  }

  static String connectString(ClusterStatus status) {
    return String.join(
        ",", status.members().stream().map(m -> m.host() + ":" + m.clientPort()).toList());
  }

  static ZooKeeper connect(String connect) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
    return zk;
  }

  static void write(String connect, String path, String value) throws Exception {
    try (ZooKeeper zk = connect(connect)) {
      zk.create(
          path,
          value.getBytes(StandardCharsets.UTF_8),
          ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.PERSISTENT);
    }
  }

  static String read(String connect, String path) throws Exception {
    try (ZooKeeper zk = connect(connect)) {
      zk.sync(path);
      return new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
    }
  }
}
