package dev.ballast.local;

import dev.ballast.core.execute.ExecutionListener;
import dev.ballast.core.execute.ScalingController;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.config.MemberKind;
import dev.ballast.local.config.MemberSpec;
import dev.ballast.local.runtime.CommandLauncher;
import dev.ballast.local.runtime.ConfiguredRuntime;
import dev.ballast.local.runtime.EtcdLauncher;
import dev.ballast.local.runtime.KafkaControllerQuorum;
import dev.ballast.local.runtime.KafkaLauncher;
import dev.ballast.local.runtime.LocalMemberRestarter;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.local.runtime.MemberLauncher;
import dev.ballast.local.runtime.ProcessOnlyMembership;
import dev.ballast.local.runtime.RabbitMqLauncher;
import dev.ballast.local.runtime.RedisLauncher;
import dev.ballast.local.runtime.ZooKeeperLauncher;
import dev.ballast.local.store.FileOperationStore;
import dev.ballast.local.store.JsonLinesForecastStore;
import dev.ballast.local.store.JsonLinesHistoryStore;
import dev.ballast.members.etcd.EtcdMembership;
import dev.ballast.members.etcd.EtcdServerConfig;
import dev.ballast.members.hooks.HookRunner;
import dev.ballast.members.hooks.HooksMembership;
import dev.ballast.members.hooks.HooksSpec;
import dev.ballast.members.kafka.KafkaMembership;
import dev.ballast.members.peers.PeerListPublisher;
import dev.ballast.members.rabbitmq.RabbitMqMembership;
import dev.ballast.members.rabbitmq.RabbitMqNodes;
import dev.ballast.members.redis.RedisClusterMembership;
import dev.ballast.members.redis.RedisServerConfig;
import dev.ballast.members.zookeeper.ZooKeeperMembership;
import dev.ballast.members.zookeeper.ZooKeeperServerConfig;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a local cluster is put together from its cluster file: the process runtime,
 * the membership adapter, the file stores in the state directory and the clock. Opened {@link
 * #exclusive} it holds the cluster's lock until closed, so that no other ballast process drives the
 * same cluster meanwhile; {@link #readOnly} is for commands that only look (status, history).
 */
public final class LocalWiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalWiring.class);

  /** Time a member gets between SIGTERM and SIGKILL. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** Bound of each network call of the membership adapter. */
  public static final Duration MEMBERSHIP_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Bound of each run of RabbitMQ's tools: a run starts an Erlang VM (about a second here), and a
   * {@code join_cluster} or {@code start_app} waits for the node's boot.
   */
  public static final Duration RABBITMQ_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** The journal of the in-flight operation, in the state directory. */
  public static final String OPERATION_FILE = "operation.json";

  /** The scaling history, one JSON record per line, in the state directory. */
  public static final String HISTORY_FILE = "history.jsonl";

  /** The scale-ahead forecaster's load observations, one JSON object per line. */
  public static final String FORECAST_FILE = "forecast.jsonl";

  private final ClusterFile cluster;
  private final Clock clock;
  private final LocalProcessRuntime runtime;
  private final Membership membership;
  private final FileOperationStore operations;
  private final JsonLinesHistoryStore history;
  private final JsonLinesForecastStore forecasts;
  private final ClusterLock lock;
  private final SystemGate gate;
  private final Optional<PeerListPublisher> peers;
  private final Optional<RabbitMqNodes> rabbitMq;
  private final Optional<KafkaControllerQuorum> kafkaControllers;

  /** The peer list publisher's own state (version, list, reloaded), in the state directory. */
  public static final String PEERS_STATE_FILE = "peers.json";

  private LocalWiring(ClusterFile cluster, Clock clock, ClusterLock lock, SystemGate gate) {
    this.gate = gate;
    this.cluster = cluster;
    this.clock = clock;
    this.lock = lock;
    MemberSpec member = cluster.member();
    this.rabbitMq =
        member.kind() == MemberKind.RABBITMQ
            ? Optional.of(rabbitMqNodes(cluster))
            : Optional.empty();
    this.kafkaControllers =
        member.kind() == MemberKind.KAFKA
            ? Optional.of(
                new KafkaControllerQuorum(
                    cluster.stateDir(),
                    member.host(),
                    member.controllers(),
                    member.heap(),
                    ownClassPath(),
                    clock,
                    STOP_GRACE))
            : Optional.empty();
    this.runtime =
        new LocalProcessRuntime(
            cluster.stateDir(),
            member.host(),
            member.portNames(),
            rabbitMq
                .<MemberLauncher>map(RabbitMqLauncher::new)
                .or(
                    () ->
                        kafkaControllers.map(
                            // Brokers run from the class path of this very ballast (it holds
                            // Kafka).
                            q -> new KafkaLauncher(q, member.heap(), ownClassPath())))
                .orElseGet(() -> launcher(cluster)),
            clock,
            STOP_GRACE);
    this.membership =
        switch (cluster.membership()) {
          case ZOOKEEPER -> new ZooKeeperMembership(MEMBERSHIP_REQUEST_TIMEOUT);
          case ETCD -> new EtcdMembership(MEMBERSHIP_REQUEST_TIMEOUT);
          case REDIS -> new RedisClusterMembership(MEMBERSHIP_REQUEST_TIMEOUT);
          case RABBITMQ ->
              new RabbitMqMembership(
                  rabbitMq.orElseGet(() -> rabbitMqNodes(cluster)), RABBITMQ_REQUEST_TIMEOUT);
          case KAFKA -> new KafkaMembership(MEMBERSHIP_REQUEST_TIMEOUT);
          case HOOKS -> {
            HooksSpec hooks = cluster.hooks().orElseThrow();
            yield new HooksMembership(
                hooks, new HookRunner(hooks.http(), hooks.workDir()), runtime::members);
          }
          case NONE -> ProcessOnlyMembership.of(runtime);
        };
    this.peers =
        cluster
            .peers()
            .map(
                spec ->
                    new PeerListPublisher(
                        spec,
                        new HookRunner(
                            cluster
                                .hooks()
                                .map(HooksSpec::http)
                                .orElse(HooksSpec.HttpSettings.defaults()),
                            cluster.file().getParent()),
                        cluster.stateDir().resolve(PEERS_STATE_FILE),
                        new LocalMemberRestarter(
                            runtime,
                            membership,
                            this::initialSettings,
                            cluster.policy().timeout(Stage.READY),
                            clock),
                        runtime::dataDir));
    this.operations = new FileOperationStore(cluster.stateDir().resolve(OPERATION_FILE));
    this.history = new JsonLinesHistoryStore(cluster.stateDir().resolve(HISTORY_FILE));
    Path forecastFile = cluster.stateDir().resolve(FORECAST_FILE);
    this.forecasts =
        lock == null
            ? JsonLinesForecastStore.readOnly(forecastFile)
            : JsonLinesForecastStore.of(forecastFile);
  }

  /** Wires the cluster to look at it only: no lock is taken, nothing may be changed. */
  public static LocalWiring readOnly(ClusterFile cluster, Clock clock) {
    return new LocalWiring(cluster, clock, null, null);
  }

  /**
   * Wires the cluster to operate it, holding its lock until {@link #close}; refuses when another
   * ballast process holds it.
   */
  public static LocalWiring exclusive(ClusterFile cluster, Clock clock)
      throws ClusterBusyException {
    return exclusive(
        cluster,
        clock,
        why -> LOG.info("cluster={} action=wait reason=\"{}\"", cluster.name(), why));
  }

  /**
   * Like {@link #exclusive(ClusterFile, Clock)}; a component of a system first waits until no other
   * component changes (telling {@code waiting} why) and then holds the system until {@link #close},
   * and is refused while another component has an interrupted operation.
   */
  public static LocalWiring exclusive(ClusterFile cluster, Clock clock, Consumer<String> waiting)
      throws ClusterBusyException {
    return exclusive(cluster, clock, waiting, false);
  }

  /**
   * Like {@link #exclusive(ClusterFile, Clock, Consumer)} for {@code down}: a component of a system
   * still waits while another changes, but is not refused for another's interrupted operation.
   */
  public static LocalWiring exclusiveToStop(
      ClusterFile cluster, Clock clock, Consumer<String> waiting) throws ClusterBusyException {
    return exclusive(cluster, clock, waiting, true);
  }

  private static LocalWiring exclusive(
      ClusterFile cluster, Clock clock, Consumer<String> waiting, boolean toStop)
      throws ClusterBusyException {
    try {
      StateDirectory.create(cluster.stateDir(), cluster.name(), clock.instant());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot create the state directory " + cluster.stateDir() + ": " + e.getMessage(), e);
    }
    SystemGate gate = null;
    if (cluster.system().isPresent()) {
      try {
        gate = SystemGate.enter(cluster.system().get(), waiting, toStop);
      } catch (ClusterOperationException e) {
        throw new ClusterBusyException(-1, e.getMessage());
      }
    }
    try {
      return new LocalWiring(cluster, clock, ClusterLock.acquire(cluster.stateDir()), gate);
    } catch (ClusterBusyException | RuntimeException e) {
      if (gate != null) {
        gate.close();
      }
      throw e;
    }
  }

  public ClusterFile cluster() {
    return cluster;
  }

  public Clock clock() {
    return clock;
  }

  public LocalProcessRuntime runtime() {
    return runtime;
  }

  public Membership membership() {
    return membership;
  }

  /** The journal of the in-flight operation ({@value #OPERATION_FILE}). */
  public FileOperationStore operations() {
    return operations;
  }

  /** The scaling history ({@value #HISTORY_FILE}). */
  public JsonLinesHistoryStore history() {
    return history;
  }

  /**
   * The scale-ahead forecaster's observations ({@value #FORECAST_FILE}); read only unless this
   * wiring is {@link #exclusive}.
   */
  public JsonLinesForecastStore forecasts() {
    return forecasts;
  }

  /**
   * The scaling engine for this cluster, reporting every event to {@code listener}. Needs the lock:
   * only an {@link #exclusive} wiring may change the cluster.
   */
  public ScalingController controller(ExecutionListener listener) {
    if (lock == null) {
      throw new IllegalStateException("a read-only wiring cannot scale the cluster");
    }
    return new ScalingController(
        cluster.policy(),
        new ConfiguredRuntime(runtime, peers, cluster.nodes()),
        membership,
        HaltingOperationStore.wrapIfArmed(operations),
        history,
        clock,
        listener);
  }

  /**
   * The cluster's RabbitMQ nodes (cookie home, private epmd) for a {@code rabbitmq} member kind.
   */
  public Optional<RabbitMqNodes> rabbitMq() {
    return rabbitMq;
  }

  /** The peer list publisher, when the cluster file has a {@code peers} section. */
  public Optional<PeerListPublisher> peers() {
    return peers;
  }

  /**
   * The fixed KRaft controller quorum of a {@code kafka} member kind, started with the first broker
   * and stopped after the last one; empty for other kinds.
   */
  public Optional<KafkaControllerQuorum> kafkaControllers() {
    return kafkaControllers;
  }

  /** Whether this wiring holds the cluster's lock (may change the cluster). */
  public boolean isExclusive() {
    return lock != null;
  }

  /** The ZooKeeper server settings of a {@code zookeeper} member kind. */
  public static Optional<ZooKeeperServerConfig> zooKeeperConfig(ClusterFile cluster) {
    if (cluster.member().kind() != MemberKind.ZOOKEEPER) {
      return Optional.empty();
    }
    ZooKeeperServerConfig defaults = ZooKeeperServerConfig.defaults();
    return Optional.of(
        new ZooKeeperServerConfig(
            cluster.member().tickTime(),
            defaults.initLimit(),
            defaults.syncLimit(),
            ZooKeeperLauncher.heapMegabytes(cluster.member().heap())));
  }

  /**
   * The launch settings of the first members of a new cluster (or of members restarted by {@code
   * up}): ZooKeeper's dynamic configuration, etcd's initial cluster; none for other kinds.
   */
  public Map<String, String> initialSettings(List<Member> members) {
    return switch (cluster.membership()) {
      case ZOOKEEPER ->
          ZooKeeperServerConfig.launchSettings(ZooKeeperServerConfig.dynamicConfig(members));
      case ETCD -> EtcdServerConfig.bootstrap(members);
      default -> Map.of();
    };
  }

  /**
   * Forms a new cluster from its first members once they run, for systems whose members do not find
   * each other by themselves (Redis Cluster: meet, then spread the hash slots); a no-op for the
   * others and for a cluster formed before.
   */
  public void form(List<Member> members) {
    if (membership instanceof RedisClusterMembership redis) {
      redis.create(members);
    }
  }

  /** The {@code redis-server} of a {@code redis} member kind: the file's, else the PATH's. */
  public static Path redisBinary(MemberSpec member) {
    return member.binary() != null
        ? member.binary()
        : RedisServerConfig.defaultBinary(System.getenv("PATH"));
  }

  /** The etcd executable of an {@code etcd} member kind: the file's, else the default one. */
  public static Path etcdBinary(MemberSpec member) {
    return member.binary() != null
        ? member.binary()
        : EtcdServerConfig.defaultBinary(System.getenv(), System.getProperty("user.home"));
  }

  /**
   * The RabbitMQ nodes of a {@code rabbitmq} member kind: the scripts beside the file's {@code
   * rabbitmq-server} (else Debian's), the cookie and epmd port kept in the state directory.
   */
  public static RabbitMqNodes rabbitMqNodes(ClusterFile cluster) {
    MemberSpec member = cluster.member();
    Path scripts =
        member.binary() != null ? member.binary().getParent() : RabbitMqNodes.DEFAULT_SCRIPTS;
    return RabbitMqNodes.forCluster(cluster.stateDir(), scripts);
  }

  private static MemberLauncher launcher(ClusterFile cluster) {
    MemberSpec member = cluster.member();
    if (member.kind() == MemberKind.ETCD) {
      return new EtcdLauncher(etcdBinary(member));
    }
    if (member.kind() == MemberKind.REDIS) {
      return new RedisLauncher(redisBinary(member));
    }
    if (member.kind() == MemberKind.ZOOKEEPER) {
      // Members run from the class path of this very ballast (the ballast jar holds ZooKeeper).
      return new ZooKeeperLauncher(zooKeeperConfig(cluster).orElseThrow(), ownClassPath());
    }
    return new CommandLauncher(
        cluster.name(),
        member.command(),
        member.env(),
        cluster.peers().map(dev.ballast.members.peers.PeerListSpec::file).orElse(null));
  }

  /** Closes the membership adapter's sessions, then releases the lock (if held). */
  @Override
  public void close() {
    try {
      if (membership instanceof AutoCloseable closeable) {
        closeable.close();
      }
    } catch (Exception e) {
      LOG.debug("action=close-membership outcome=failed reason=\"{}\"", e.toString());
    } finally {
      if (lock != null) {
        lock.close();
      }
      if (gate != null) {
        gate.close();
      }
    }
  }

  /**
   * The class path of this very ballast with every entry absolute, for the members it runs from it
   * (ZooKeeper, Kafka): they start in directories of their own, where a relative entry (from {@code
   * java -jar build/ballast.jar}) would name nothing.
   */
  public static String ownClassPath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.isEmpty())
        .map(e -> Path.of(e).toAbsolutePath().normalize().toString())
        .collect(java.util.stream.Collectors.joining(File.pathSeparator));
  }
}
