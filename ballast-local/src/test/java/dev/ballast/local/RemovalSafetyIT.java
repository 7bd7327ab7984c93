package dev.ballast.local;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A removal never lowers the number of failures the ensemble can absorb, on real ZooKeeper: when a
 * remaining voter dies while the leaving member drains, the leaving member is neither removed nor
 * stopped until the dead one is back, and the operation then finishes.
 */
class RemovalSafetyIT {
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

  @Test
  void holdsTheRemovalWhileARemainingVoterIsDownAndFinishesOnceItIsBack() throws Exception {
    // given 5 ZooKeeper servers
    Path file = dir.resolve("zk.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: zk-removal
        spec:
          stateDir: state
          replicas: 5
          minReplicas: 3
          maxReplicas: 5
          member:
            kind: zookeeper
            heap: 64m
            tickTime: 200ms
        """);
    cluster = ClusterFile.load(file);
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
}
