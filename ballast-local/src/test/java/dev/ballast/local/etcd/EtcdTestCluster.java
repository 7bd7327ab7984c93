package dev.ballast.local.etcd;

import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.local.runtime.EtcdLauncher;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.local.runtime.TestTeardown;
import dev.ballast.members.etcd.EtcdServerConfig;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real etcd members for the adapter tests: a new cluster of {@code size} members started by the
 * local process runtime on free 127.0.0.1 ports in a temporary state directory; {@link #close}
 * kills every member ({@link TestTeardown}) and deletes the directory.
 */
final class EtcdTestCluster implements AutoCloseable {
  private static final Duration RESTORE = Duration.ofSeconds(45);
  final LocalProcessRuntime runtime;
  private final Path stateDir;

  private EtcdTestCluster(LocalProcessRuntime runtime, Path stateDir) {
    this.runtime = runtime;
    this.stateDir = stateDir;
  }

  static EtcdTestCluster start(int size) throws IOException {
    Path stateDir = Files.createTempDirectory("etcd-test-");
    EtcdTestCluster cluster =
        new EtcdTestCluster(
            new LocalProcessRuntime(
                stateDir,
                "127.0.0.1",
                EtcdServerConfig.PORTS,
                new EtcdLauncher(EtcdTestTools.etcd()),
                Clock.systemUTC(),
                Duration.ofSeconds(5)),
            stateDir);
    try {
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        members.add(cluster.runtime.prepare(i));
      }
      for (Member m : members) {
        cluster.runtime.start(m, EtcdServerConfig.bootstrap(members));
      }
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** Members 0..size-1. */
  List<Member> members(int size) {
    List<Member> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      out.add(runtime.member(i).orElseThrow());
    }
    return out;
  }

  /**
   * Brings the cluster back to members 0..size-1 through etcd's own cluster API (jetcd, not the
   * adapter under test): a member a test stopped starts again with its data; members a test added
   * (voters or learners) are stopped and removed from the cluster. Answers false, changing nothing,
   * when one of 0..size-1 was removed (a new cluster is cheaper than adding it back). Done when the
   * cluster lists exactly members 0..size-1, all voters, and each of them answers.
   */
  boolean restore(int size) throws Exception {
    List<Member> base = members(size);
    Set<URI> basePeers =
        base.stream().map(m -> URI.create(EtcdServerConfig.peerUrl(m))).collect(Collectors.toSet());
    String[] endpoints =
        base.stream()
            .filter(m -> runtime.isRunning(m.ordinal()))
            .map(EtcdServerConfig::clientUrl)
            .toArray(String[]::new);
    try (Client client = Client.builder().endpoints(endpoints).build()) {
      var listed = client.getClusterClient().listMember().get(30, TimeUnit.SECONDS).getMembers();
      Set<URI> listedPeers =
          listed.stream().flatMap(m -> m.getPeerURIs().stream()).collect(Collectors.toSet());
      if (!listedPeers.containsAll(basePeers)) {
        return false; // a member was removed: new members are cheaper than adding it back
      }
      for (Member m : base) {
        if (!runtime.isRunning(m.ordinal())) {
          runtime.start(m, EtcdServerConfig.bootstrap(base)); // it rejoins with its data
        }
      }
      for (Member m : runtime.members()) {
        if (m.ordinal() >= size) {
          runtime.stop(m.ordinal());
        }
      }
      for (var m : listed) {
        if (!basePeers.containsAll(m.getPeerURIs())) {
          client.getClusterClient().removeMember(m.getId()).get(30, TimeUnit.SECONDS);
        }
      }
      for (Member m : runtime.members()) {
        if (m.ordinal() >= size) {
          runtime.cleanup(m.ordinal(), DataPolicy.DELETE);
        }
      }
      await()
          .atMost(RESTORE)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> restored(client, base, basePeers));
    }
    return true;
  }

  private static boolean restored(Client client, List<Member> base, Set<URI> basePeers)
      throws Exception {
    var listed = client.getClusterClient().listMember().get(10, TimeUnit.SECONDS).getMembers();
    if (listed.size() != base.size()
        || listed.stream()
            .anyMatch(m -> m.isLearner() || !basePeers.containsAll(m.getPeerURIs()))) {
      return false;
    }
    for (Member m : base) {
      client
          .getMaintenanceClient()
          .statusMember(EtcdServerConfig.clientUrl(m))
          .get(5, TimeUnit.SECONDS);
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    TestTeardown.killAll(runtime);
    runtime.stopAll();
    try (var paths = Files.walk(stateDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
