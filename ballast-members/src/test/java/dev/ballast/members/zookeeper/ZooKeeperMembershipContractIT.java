package dev.ballast.members.zookeeper;

import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.ReplicaRuntime;
import dev.ballast.core.testing.MembershipContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ZooKeeperMembership} passes the membership contract on real ZooKeeper servers. The servers
 * are shared by the tests: before a test that follows one that added or stopped a server,
 * ZooKeeper's own reconfiguration (a plain {@link ZooKeeperAdmin}, not the adapter under test)
 * restores them; after a server was removed, a new ensemble starts.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ZooKeeperMembershipContractIT extends MembershipContract {
  private static final Duration RESTORE = Duration.ofSeconds(45);
  private ZooKeeperTestEnsemble ensemble;

  @Override
  protected Cluster startCluster(int size) throws Exception {
    Path root = Files.createTempDirectory("zk-contract-");
    ZooKeeperTestEnsemble started = new ZooKeeperTestEnsemble(root);
    try {
      started.form(size);
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    ensemble = started;
    return new Cluster(
        new EnsembleRuntime(started),
        new ZooKeeperMembership(Duration.ofSeconds(3)),
        () -> {
          started.close();
          ZooKeeperTestEnsemble.deleteTree(root);
        });
  }

  /**
   * A server a test stopped starts again with its files; servers a test added are removed from the
   * configuration ({@code reconfig -remove}), stopped and deleted. Answers false, changing nothing,
   * when one of 0..size-1 left the configuration (a new ensemble is cheaper than adding it back).
   * Done when the configuration lists exactly servers 0..size-1 and each of them serves.
   */
  @Override
  protected boolean restore(Cluster cluster, int size) throws Exception {
    List<Member> base = ensemble.members().stream().filter(m -> m.ordinal() < size).toList();
    List<Member> extra = ensemble.members().stream().filter(m -> m.ordinal() >= size).toList();
    if (base.size() != size) {
      return false;
    }
    for (Member m : base) {
      if (!ensemble.isRunning(m.ordinal())) {
        ensemble.restart(m.ordinal()); // it rejoins with its files
      }
    }
    Set<Integer> expected =
        base.stream().map(ZooKeeperServerConfig::serverId).collect(Collectors.toSet());
    try (ZooKeeperAdmin admin = admin(base)) {
      Set<Integer> listed =
          await()
              .atMost(RESTORE)
              .pollInterval(Duration.ofMillis(100))
              .ignoreExceptions()
              .until(() -> servers(admin), s -> !s.isEmpty());
      if (!listed.containsAll(expected)) {
        return false; // a server left: a new ensemble is cheaper than adding it back
      }
      String leaving =
          listed.stream()
              .filter(id -> !expected.contains(id))
              .map(String::valueOf)
              .collect(Collectors.joining(","));
      if (!leaving.isEmpty()) {
        await()
            .atMost(RESTORE)
            .pollInterval(Duration.ofMillis(100))
            .ignoreExceptions()
            .until(
                () -> {
                  admin.reconfigure(null, leaving, null, -1, new Stat());
                  return true;
                });
      }
      for (Member m : extra) {
        ensemble.stopAndDelete(m.ordinal());
      }
      ZooKeeperFourLetterWords words = new ZooKeeperFourLetterWords(Duration.ofSeconds(2));
      await()
          .atMost(RESTORE)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(
              () ->
                  servers(admin).equals(expected)
                      && base.stream().allMatch(m -> serving(words, m)));
    }
    return true;
  }

  private static ZooKeeperAdmin admin(List<Member> members) throws Exception {
    ZKClientConfig conf = new ZKClientConfig();
    conf.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
    return new ZooKeeperAdmin(ZooKeeperTestEnsemble.connectString(members), 10_000, e -> {}, conf);
  }

  /** The server ids of the configuration the connected server holds (after a sync). */
  private static Set<Integer> servers(ZooKeeperAdmin admin) throws Exception {
    admin.sync(ZooDefs.CONFIG_NODE, (rc, path, ctx) -> {}, null);
    String config = new String(admin.getConfig(false, new Stat()), StandardCharsets.UTF_8);
    return ZooKeeperDynamicConfig.parse(config).servers().keySet();
  }

  private static boolean serving(ZooKeeperFourLetterWords words, Member m) {
    try {
      return words.srvr(m.host(), m.port(ZooKeeperServerConfig.CLIENT_PORT)).serving();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Override
  protected Duration settleTimeout() {
    return Duration.ofSeconds(45);
  }

  /** The test ensemble seen through the runtime port. */
  private static final class EnsembleRuntime implements ReplicaRuntime {
    private final ZooKeeperTestEnsemble ensemble;

    EnsembleRuntime(ZooKeeperTestEnsemble ensemble) {
      this.ensemble = ensemble;
    }

    @Override
    public List<Member> members() {
      return ensemble.members();
    }

    @Override
    public Member prepare(int ordinal) {
      Optional<Member> existing = member(ordinal);
      return existing.orElseGet(() -> ensemble.reserve(ordinal));
    }

    @Override
    public void start(Member member, Map<String, String> launchSettings) {
      if (!ensemble.isRunning(member.ordinal())) {
        ensemble.start(member, launchSettings);
      }
    }

    @Override
    public boolean isRunning(int ordinal) {
      return ensemble.isRunning(ordinal);
    }

    @Override
    public void stop(int ordinal) {
      ensemble.stop(ordinal);
    }

    @Override
    public void cleanup(int ordinal, DataPolicy policy) {
      ensemble.deleteData(ordinal);
    }
  }
}
