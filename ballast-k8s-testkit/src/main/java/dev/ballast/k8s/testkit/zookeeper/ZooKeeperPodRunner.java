package dev.ballast.k8s.testkit.zookeeper;

import dev.ballast.core.port.Member;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.PodContext;
import dev.ballast.k8s.testkit.PodProcess;
import dev.ballast.k8s.testkit.PodRunner;
import dev.ballast.k8s.testkit.ProbedProcess;
import dev.ballast.local.runtime.LaunchCommand;
import dev.ballast.local.runtime.ZooKeeperLauncher;
import dev.ballast.members.zookeeper.ZooKeeperMembership;
import dev.ballast.members.zookeeper.ZooKeeperServerConfig;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Runs a ZooKeeper pod as a local {@code QuorumPeerMain} JVM ({@link ZooKeeperLauncher}), bound to
 * the pod's loopback address on the container ports named {@code client}, {@code quorum} (or {@code
 * server}) and {@code election} (or {@code leader-election}), its files in the pod's data volume.
 * Server id = ordinal + 1, as Ballast's ZooKeeper adapter counts.
 *
 * <p>What it starts with is what a ZooKeeper image with dynamic reconfiguration does in its start
 * script: a server whose volume has run before starts from its own files (ZooKeeper's newest
 * configuration wins); otherwise the launch settings the operator wrote for its ordinal to
 * ConfigMap {@code <set>-ballast-launch} ({@code member-<k>.zookeeper.dynamicConfig}); without them
 * it asks the running siblings for the live configuration and starts with it plus itself (as
 * Ballast's {@code announce} does), so that the operator can then add it with {@code reconfig
 * -add}; and when no sibling answers, a pod whose ordinal is below the environment variable {@value
 * #BOOTSTRAP_SIZE_ENV} (default 1) starts the initial ensemble of ordinals 0 to that size - 1. Any
 * other pod waits (its start is retried). Ready = the server serves requests as leader, follower or
 * observer (its {@code srvr} mode).
 *
 * <p>Servers are named by their pod address by default, or by their pod DNS names {@code
 * <pod>.<service>.<namespace>.svc} (the operator's default; resolved through the agent's hosts
 * file) with {@link Naming#DNS}.
 */
public final class ZooKeeperPodRunner implements PodRunner {

  /** Size of the initial ensemble, from the pod's environment. */
  public static final String BOOTSTRAP_SIZE_ENV = "ZK_BOOTSTRAP_SIZE";

  /** How a server names itself and its peers in ZooKeeper's configuration. */
  public enum Naming {
    /** The pod's address (127.0.0.N). */
    POD_IP,
    /** The pod's DNS name ({@code zk-0.zk-hs.NS.svc}), through the hosts file. */
    DNS
  }

  private final ZooKeeperServerConfig config;
  private final String classPath;
  private final Predicate<Pod> selects;
  private final Naming naming;
  private final ZooKeeperMembership membership;

  /**
   * Runs pods whose first container's image names ZooKeeper, with the default server settings, from
   * this JVM's class path, named by pod address.
   */
  public ZooKeeperPodRunner() {
    this(
        ZooKeeperServerConfig.defaults(),
        System.getProperty("java.class.path"),
        pod -> pod.getSpec().getContainers().get(0).getImage().contains("zookeeper"),
        Naming.POD_IP);
  }

  public ZooKeeperPodRunner(
      ZooKeeperServerConfig config, String classPath, Predicate<Pod> selects, Naming naming) {
    this.config = config;
    this.classPath = classPath;
    this.selects = selects;
    this.naming = naming;
    this.membership = new ZooKeeperMembership(Duration.ofSeconds(3));
  }

  /** The same runner naming servers {@code naming}. */
  public ZooKeeperPodRunner withNaming(Naming other) {
    return new ZooKeeperPodRunner(config, classPath, selects, other);
  }

  @Override
  public boolean runs(Pod pod) {
    return selects.test(pod);
  }

  /** The member a ZooKeeper pod is, as Ballast's adapter sees it (host per {@link Naming}). */
  public Member member(PodContext ctx, String podName, int ordinal) {
    String host = naming == Naming.DNS ? ctx.dnsName(podName) : ctx.addressOf(podName);
    return new Member(
        ordinal,
        host,
        Map.of(
            ZooKeeperServerConfig.CLIENT_PORT,
            ctx.requiredPort(ZooKeeperServerConfig.CLIENT_PORT),
            ZooKeeperServerConfig.QUORUM_PORT,
            ctx.requiredPort(ZooKeeperServerConfig.QUORUM_PORT, "server"),
            ZooKeeperServerConfig.ELECTION_PORT,
            ctx.requiredPort(ZooKeeperServerConfig.ELECTION_PORT, "leader-election")));
  }

  @Override
  public PodProcess start(PodContext ctx) throws Exception {
    Member self = member(ctx, ctx.name(), ctx.ordinal());
    List<Member> peers =
        ctx.siblings().get().stream().map(p -> member(ctx, p.name(), p.ordinal())).toList();
    Path dir = ctx.dataDir();
    Path dataDir = dir.resolve(ZooKeeperServerConfig.DATA_DIR);
    boolean hasRun =
        Files.isDirectory(dataDir.resolve("version-2"))
            && Files.exists(dir.resolve(ZooKeeperServerConfig.CONFIG_FILE));
    Map<String, String> settings = hasRun ? Map.of() : startSettings(ctx, self, peers);
    LaunchCommand launch =
        new ZooKeeperLauncher(config, classPath).prepare(self, dir, dataDir, settings);
    List<String> argv = new ArrayList<>(launch.argv());
    // The JVM resolves pod names and DNS names through the agent's hosts file, afresh each time.
    argv.add(1, "-Djdk.net.hosts.file=" + ctx.hostsFile());
    argv.add(2, "-Dsun.net.inetaddr.ttl=0");
    argv.add(3, "-Dsun.net.inetaddr.negative.ttl=0");
    Map<String, String> env = new HashMap<>(ctx.env());
    env.putAll(launch.env());
    ManagedProcess process =
        ManagedProcess.start(
            "zookeeper " + ctx.namespace() + "/" + ctx.name(),
            argv,
            env,
            dir,
            ctx.workDir().resolve("zookeeper.log"));
    int clientPort = self.port(ZooKeeperServerConfig.CLIENT_PORT);
    return new ProbedProcess(process, () -> notReady(ctx.ip(), clientPort));
  }

  private Map<String, String> startSettings(PodContext ctx, Member self, List<Member> peers) {
    Map<String, String> fromOperator = ctx.launchSettings();
    if (fromOperator.containsKey(ZooKeeperServerConfig.DYNAMIC_CONFIG_SETTING)) {
      return fromOperator;
    }
    if (!peers.isEmpty()) {
      try {
        return membership.announce(self, peers);
      } catch (RuntimeException e) {
        // No live configuration to read: fall through to the initial ensemble if this pod is in it.
        if (ctx.ordinal() >= bootstrapSize(ctx)) {
          throw new IllegalStateException(
              "no running ZooKeeper sibling gave its configuration: " + e.getMessage(), e);
        }
      }
    }
    int size = bootstrapSize(ctx);
    if (ctx.ordinal() >= size) {
      throw new IllegalStateException(
          "ordinal "
              + ctx.ordinal()
              + " is not in the initial ensemble ("
              + BOOTSTRAP_SIZE_ENV
              + "="
              + size
              + ") and no running sibling answered: waiting for one");
    }
    List<Member> initial = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      initial.add(i == ctx.ordinal() ? self : member(ctx, ctx.siblingName(i), i));
    }
    return ZooKeeperServerConfig.launchSettings(ZooKeeperServerConfig.dynamicConfig(initial));
  }

  private static int bootstrapSize(PodContext ctx) {
    return ctx.envInt(BOOTSTRAP_SIZE_ENV, 1);
  }

  /**
   * The readiness probe of a ZooKeeper container: the server answers {@code srvr} on its client
   * port and serves as leader, follower or observer (so it is part of a quorum and has synced with
   * the leader). The operator applies Ballast's stricter checks on top of this.
   */
  static Optional<String> notReady(String ip, int clientPort) {
    try {
      String mode = ZooKeeperProbe.mode(ip, clientPort);
      return SERVING.contains(mode)
          ? Optional.empty()
          : Optional.of("ZooKeeper is not serving requests (mode: " + mode + ")");
    } catch (java.io.IOException e) {
      return Optional.of("ZooKeeper does not answer 'srvr': " + e.getMessage());
    }
  }

  private static final java.util.Set<String> SERVING =
      java.util.Set.of("leader", "follower", "observer");
}
