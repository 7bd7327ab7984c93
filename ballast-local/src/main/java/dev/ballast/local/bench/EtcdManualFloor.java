package dev.ballast.local.bench;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.local.runtime.EtcdLauncher;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.members.etcd.EtcdServerConfig;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The floor for scaling a local etcd cluster 3 → 5 and 5 → 3: the steps an operator does by hand
 * with etcd's member API (what {@code etcdctl member ...} sends), with no Ballast engine, journal
 * or verification, timed. Processes are started and stopped by the same local runtime Ballast uses,
 * so that only the membership work differs.
 *
 * <p>Add, for each new member: {@code member add --learner}; start it with the initial cluster the
 * add returned; {@code member promote} every 20 ms until etcd accepts (it refuses until the learner
 * has caught up). Remove, highest first: {@code member remove}; stop the process. The starting
 * 3-member cluster is formed before the clock starts, and every process is stopped at the end.
 */
public final class EtcdManualFloor {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STEP_LIMIT = Duration.ofSeconds(90);

  private EtcdManualFloor() {}

  /** Measures with members under {@code workDir} run from {@code binary}. */
  public static ScaleBench.Floor measure(Path workDir, Path binary) {
    LocalProcessRuntime runtime =
        new LocalProcessRuntime(
            workDir,
            "127.0.0.1",
            EtcdServerConfig.PORTS,
            new EtcdLauncher(binary),
            Clock.systemUTC(),
            Duration.ofSeconds(10));
    try {
      List<Member> current = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        current.add(runtime.prepare(i));
      }
      for (Member m : current) {
        runtime.start(m, EtcdServerConfig.bootstrap(current));
      }
      try (Client client = client(current)) {
        waitUntil("3 members serving", () -> listed(client) == 3 && promoteable(client));
      }

      long upStart = System.nanoTime();
      for (int next = 3; next <= 4; next++) {
        int ordinal = next;
        Member joining = runtime.prepare(ordinal);
        try (Client client = client(current)) {
          URI peer = URI.create(EtcdServerConfig.peerUrl(joining));
          // etcd refuses an add until every voting member has been connected for a few seconds
          // ("unhealthy cluster"): retried, as by hand.
          waitUntil("member " + ordinal + " added", () -> addedAsLearner(client, peer));
          List<io.etcd.jetcd.cluster.Member> members =
              get(client.getClusterClient().listMember()).getMembers();
          long id =
              members.stream()
                  .filter(m -> m.getPeerURIs().contains(peer))
                  .findFirst()
                  .orElseThrow()
                  .getId();
          String initial =
              members.stream()
                  .map(
                      m ->
                          (m.getId() == id ? EtcdServerConfig.name(ordinal) : m.getName())
                              + "="
                              + m.getPeerURIs().get(0))
                  .collect(Collectors.joining(","));
          runtime.start(
              joining,
              Map.of(
                  EtcdServerConfig.INITIAL_CLUSTER,
                  initial,
                  EtcdServerConfig.INITIAL_CLUSTER_STATE,
                  "existing"));
          waitUntil("member " + ordinal + " promoted", () -> promoted(client, id));
        }
        current.add(joining);
      }
      Duration up = Duration.ofNanos(System.nanoTime() - upStart);

      long downStart = System.nanoTime();
      for (int ordinal = 4; ordinal >= 3; ordinal--) {
        current.remove(current.size() - 1);
        int leaving = ordinal;
        try (Client client = client(current)) {
          long id =
              get(client.getClusterClient().listMember()).getMembers().stream()
                  .filter(m -> m.getName().equals(EtcdServerConfig.name(leaving)))
                  .findFirst()
                  .orElseThrow()
                  .getId();
          waitUntil("member " + leaving + " removed", () -> removed(client, id));
        }
        runtime.stop(ordinal);
      }
      Duration down = Duration.ofNanos(System.nanoTime() - downStart);
      return new ScaleBench.Floor(up, down);
    } finally {
      runtime.stopAll();
      for (Member m : runtime.members()) {
        runtime.cleanup(m.ordinal(), DataPolicy.DELETE);
      }
    }
  }

  private static Client client(List<Member> members) {
    return Client.builder()
        .endpoints(members.stream().map(EtcdServerConfig::clientUrl).toArray(String[]::new))
        .build();
  }

  private static int listed(Client client) {
    try {
      return get(client.getClusterClient().listMember()).getMembers().size();
    } catch (IllegalStateException e) {
      return 0;
    }
  }

  /** Whether the cluster answers a linearizable read (it has a leader and a quorum). */
  private static boolean promoteable(Client client) {
    try {
      get(client.getKVClient().get(io.etcd.jetcd.ByteSequence.from(new byte[] {'x'})));
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static boolean addedAsLearner(Client client, URI peer) {
    return attempt(
        () -> client.getClusterClient().addMember(List.of(peer), true),
        client,
        members -> members.stream().anyMatch(m -> m.getPeerURIs().contains(peer)));
  }

  private static boolean removed(Client client, long id) {
    return attempt(
        () -> client.getClusterClient().removeMember(id),
        client,
        members -> members.stream().noneMatch(m -> m.getId() == id));
  }

  private static boolean promoted(Client client, long id) {
    return attempt(
        () -> client.getClusterClient().promoteMember(id),
        client,
        members -> members.stream().anyMatch(m -> m.getId() == id && !m.isLearner()));
  }

  /**
   * Makes one membership change; when etcd refuses it (not healthy long enough, learner not caught
   * up) or the answer got lost, whether the member list shows it {@code done} all the same.
   */
  private static boolean attempt(
      java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> change,
      Client client,
      java.util.function.Predicate<List<io.etcd.jetcd.cluster.Member>> done) {
    try {
      get(change.get());
      return true;
    } catch (IllegalStateException e) {
      try {
        return done.test(get(client.getClusterClient().listMember()).getMembers());
      } catch (IllegalStateException again) {
        return false;
      }
    }
  }

  private static <T> T get(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Polls {@code condition} every 20 ms, at most 90 s (shared by the hand floors). */
  static void waitUntil(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up waiting for " + what + " after " + STEP_LIMIT);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }
}
