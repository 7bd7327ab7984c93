package dev.ballast.local.bench;

import dev.ballast.core.execute.ExecutionListener;
import dev.ballast.local.ClusterBusyException;
import dev.ballast.local.ClusterOperationException;
import dev.ballast.local.LocalClusterControl;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.ScaleResult;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.config.ClusterFileException;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.members.etcd.EtcdServerConfig;
import dev.ballast.members.redis.RedisServerConfig;
import dev.ballast.members.zookeeper.ZooKeeperManualFloor;
import dev.ballast.members.zookeeper.ZooKeeperServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Times a local ZooKeeper ensemble, etcd cluster, Redis Cluster or RabbitMQ cluster going 3 → 5 and
 * 5 → 3 (Kafka brokers: 3 → 4 and 4 → 3) through Ballast (the same engine, journal and verification
 * as {@code ballast scale}) next to the floor: the same steps done by hand with the system's own
 * API or tools ({@link ZooKeeperManualFloor}, {@link EtcdManualFloor}, {@link RedisManualFloor},
 * {@link RabbitMqManualFloor}, {@link KafkaManualFloor}). Both sides use the same server settings
 * and data and start from a formed 3-member cluster.
 */
public final class ScaleBench {

  /** The system a bench scales. */
  public enum BenchSystem {
    ZOOKEEPER,
    ETCD,
    REDIS,
    RABBITMQ,
    /** Kafka brokers, 3 → 4 → 3. */
    KAFKA;

    /** The size the bench grows the cluster to from 3 (and shrinks back from): 5, Kafka 4. */
    public int grown() {
      return this == KAFKA ? 4 : 5;
    }
  }

  /**
   * Wall times of the floor: the whole 3 → 5 and 5 → 3 changes done by hand (Kafka: 3 → 4, 4 → 3).
   */
  public record Floor(Duration threeToFive, Duration fiveToThree) {}

  /** Wall times of one run of each side (for Kafka, "five" is 4 brokers). */
  public record Figures(
      Duration ballastThreeToFive,
      Duration ballastFiveToThree,
      Duration floorThreeToFive,
      Duration floorFiveToThree) {

    /** Ballast's time over the floor's, for 3 → 5. */
    public double upRatio() {
      return ratio(ballastThreeToFive, floorThreeToFive);
    }

    /** Ballast's time over the floor's, for 5 → 3. */
    public double downRatio() {
      return ratio(ballastFiveToThree, floorFiveToThree);
    }

    private static double ratio(Duration a, Duration b) {
      return (double) a.toNanos() / Math.max(1, b.toNanos());
    }
  }

  private ScaleBench() {}

  /**
   * Runs the floor, then Ballast, in fresh directories under {@code workDir}; members run from
   * {@code classPath}; {@code stages} hears Ballast's scaling events (for per-stage timings).
   * Everything started is stopped before returning.
   */
  public static Figures run(
      Path workDir, String classPath, Consumer<String> progress, ExecutionListener stages)
      throws ClusterOperationException {
    return run(BenchSystem.ZOOKEEPER, workDir, classPath, progress, stages);
  }

  /** As {@link #run(Path, String, Consumer, ExecutionListener)}, for {@code system}. */
  public static Figures run(
      BenchSystem system,
      Path workDir,
      String classPath,
      Consumer<String> progress,
      ExecutionListener stages)
      throws ClusterOperationException {
    Floor floor;
    if (system == BenchSystem.REDIS) {
      progress.accept(
          "floor: redis-cli --cluster by hand (add-node, check, rebalance; rebalance to weight 0,"
              + " del-node)");
      floor =
          RedisManualFloor.measure(
              workDir.resolve("floor"), RedisServerConfig.defaultBinary(System.getenv("PATH")));
    } else if (system == BenchSystem.RABBITMQ) {
      progress.accept(
          "floor: RabbitMQ's tools by hand (start, check_running, stop_app, reset, join_cluster,"
              + " start_app, rabbitmq-queues grow; shrink, stop, forget_cluster_node)");
      floor = RabbitMqManualFloor.measure(workDir.resolve("floor"));
    } else if (system == BenchSystem.KAFKA) {
      progress.accept(
          "floor: Kafka's tools by hand (start, wait until registered, kafka-reassign-partitions"
              + " --generate/--execute/--verify; the same off the broker, full ISR, stop, kafka-cluster"
              + " unregister)");
      floor = KafkaManualFloor.measure(workDir.resolve("floor"), classPath, progress);
    } else if (system == BenchSystem.ETCD) {
      progress.accept(
          "floor: etcd member API by hand (add --learner, start, promote; remove, stop)");
      floor = EtcdManualFloor.measure(workDir.resolve("floor"), etcdBinary());
    } else {
      progress.accept(
          "floor: plain ZooKeeper steps (getConfig, start, wait for follower, reconfig)");
      ZooKeeperManualFloor.Result zk =
          ZooKeeperManualFloor.measure(workDir.resolve("floor"), classPath);
      floor = new Floor(zk.threeToFive(), zk.fiveToThree());
    }
    int grown = system.grown();
    progress.accept(
        "floor: 3->"
            + grown
            + " "
            + floor.threeToFive().toMillis()
            + " ms, "
            + grown
            + "->3 "
            + floor.fiveToThree().toMillis()
            + " ms");

    ClusterFile cluster = benchCluster(system, workDir.resolve("ballast"));
    try (LocalWiring wiring = LocalWiring.exclusive(cluster, Clock.systemUTC())) {
      LocalClusterControl control = new LocalClusterControl(wiring);
      try {
        progress.accept("ballast: forming a 3-member cluster (not timed)");
        control.up(Duration.ofMinutes(2), line -> {});
        if (system == BenchSystem.RABBITMQ) {
          // the same quorum queues as the floor's
          RabbitMqManualFloor.declareQueues(wiring.runtime().members().get(0).port("amqp"));
        } else if (system == BenchSystem.KAFKA) {
          // the same topic and data as the floor's
          KafkaManualFloor.fillTopic(
              dev.ballast.members.kafka.KafkaServerConfig.bootstrap(wiring.runtime().members()));
        }
        long t0 = System.nanoTime();
        ScaleResult up = control.scale(grown, stages);
        long t1 = System.nanoTime();
        require(up, grown);
        ScaleResult down = control.scale(3, stages);
        long t2 = System.nanoTime();
        require(down, 3);
        Figures figures =
            new Figures(
                Duration.ofNanos(t1 - t0),
                Duration.ofNanos(t2 - t1),
                floor.threeToFive(),
                floor.fiveToThree());
        progress.accept(
            "ballast: 3->"
                + grown
                + " "
                + figures.ballastThreeToFive().toMillis()
                + " ms, "
                + grown
                + "->3 "
                + figures.ballastFiveToThree().toMillis()
                + " ms");
        return figures;
      } finally {
        control.purge(java.util.Set.of());
      }
    } catch (ClusterBusyException e) {
      throw ClusterOperationException.refused(e.getMessage());
    }
  }

  /** Between SIGTERM and SIGKILL when {@link #stopEverything} stops what a bench left running. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /**
   * Stops every process a bench run under {@code workDir} started and that still runs, for a bench
   * cut short (a shutdown hook after SIGTERM, where no {@code finally} runs): the members of both
   * sides' clusters (found by their marker, wherever they were reparented) and this JVM's own child
   * processes (the ZooKeeper floor's servers, tool runs). The interrupted run goes on while this
   * runs and may start one more, so it repeats until a pass finds nothing (at most 5 passes).
   */
  public static void stopEverything(Path workDir) {
    for (int pass = 0; pass < 5; pass++) {
      List<ProcessHandle> children = ProcessHandle.current().descendants().toList();
      if (children.isEmpty() && LocalProcessRuntime.processesUnder(workDir).isEmpty()) {
        break;
      }
      children.forEach(ProcessHandle::destroy);
      LocalProcessRuntime.stopAllUnder(workDir, STOP_GRACE);
      long deadline = System.nanoTime() + STOP_GRACE.toNanos();
      for (ProcessHandle child : children) {
        long left = Math.max(0, deadline - System.nanoTime());
        try {
          child.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
          child.destroyForcibly();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          children.forEach(ProcessHandle::destroyForcibly);
          return;
        }
      }
    }
  }

  private static void require(ScaleResult result, int size) throws ClusterOperationException {
    if (!result.verified()) {
      throw ClusterOperationException.failed(
          "bench scaling to " + size + " did not verify: " + result.message());
    }
  }

  private static Path etcdBinary() {
    return EtcdServerConfig.defaultBinary(System.getenv(), System.getProperty("user.home"));
  }

  private static ClusterFile benchCluster(BenchSystem system, Path dir) {
    ZooKeeperServerConfig defaults = ZooKeeperServerConfig.defaults();
    String member =
        system == BenchSystem.KAFKA
            ? "kind: kafka\n    heap: %s\n    controllers: 1".formatted(KafkaManualFloor.HEAP)
            : system == BenchSystem.RABBITMQ
                ? "kind: rabbitmq"
                : system == BenchSystem.ETCD
                    ? "kind: etcd"
                    : system == BenchSystem.REDIS
                        ? "kind: redis"
                        : "kind: zookeeper\n    heap: %dm\n    tickTime: %dms"
                            .formatted(defaults.maxHeapMegabytes(), defaults.tickTime().toMillis());
    String yaml =
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: bench
        spec:
          stateDir: state
          replicas: 3
          minReplicas: 3
          maxReplicas: %d
          member:
            %s
        """
            .formatted(system.grown(), member);
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("bench.yaml");
      Files.writeString(file, yaml);
      return ClusterFile.load(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClusterFileException e) {
      throw new IllegalStateException("the bench cluster file is invalid: " + e.getMessage(), e);
    }
  }
}
