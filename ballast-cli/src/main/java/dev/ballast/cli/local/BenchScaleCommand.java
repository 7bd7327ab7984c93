package dev.ballast.cli.local;

import dev.ballast.cli.ExitCodes;
import dev.ballast.local.ClusterOperationException;
import dev.ballast.local.bench.ScaleBench;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ballast bench scale}: wall time of 3 → 5 → 3 (Kafka brokers: 3 → 4 → 3) through Ballast
 * next to the floor.
 */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description = {
      "Time a local ZooKeeper ensemble (or etcd cluster, Redis Cluster, RabbitMQ cluster) going"
          + " 3 -> 5 and 5 -> 3 (Kafka brokers: 3 -> 4 and 4 -> 3) through Ballast"
          + " (engine, journal, verification: what 'ballast scale' does) next to the floor: the"
          + " same steps by hand with the system's own API (ZooKeeper: getConfig, start, wait until"
          + " following, reconfig -add; reconfig -remove, stop. etcd: member add --learner, start,"
          + " promote until accepted; member remove, stop. Redis: redis-cli --cluster add-node,"
          + " check until it agrees, rebalance --cluster-use-empty-masters; rebalance"
          + " --cluster-weight ID=0, del-node). RabbitMQ: start, check_running, stop_app, reset,"
          + " join_cluster, start_app, rabbitmq-queues grow; rabbitmq-queues shrink, stop,"
          + " forget_cluster_node, with 8 quorum queues. Kafka: start the broker, wait until"
          + " registered, kafka-reassign-partitions --generate/--execute/--verify; the same off"
          + " the broker, wait for full ISR, stop, kafka-cluster unregister; one controller, a"
          + " topic of 6 partitions x 3 replicas holding 20,000 records of 512 bytes). Both use"
          + " the same server settings and data on 127.0.0.1 and start from a formed 3-member"
          + " cluster.",
      "Takes about a minute per run; every process started is stopped, also when the bench is"
          + " stopped by SIGTERM or Ctrl-C. Not a test: the figures depend on the machine."
    })
public final class BenchScaleCommand implements Callable<Integer> {
  @Option(
      names = "--runs",
      defaultValue = "1",
      paramLabel = "N",
      description = "Runs of each side; the medians are printed (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where the servers' files go (default: a new temporary directory, deleted).")
  Path workDir;

  @Option(
      names = "--system",
      defaultValue = "zookeeper",
      paramLabel = "SYSTEM",
      description = "zookeeper, etcd, redis, rabbitmq or kafka (default: ${DEFAULT-VALUE}).")
  String system;

  @Option(
      names = {"-v", "--stages"},
      description = "Also print Ballast's progress line of every stage, with its time.")
  boolean stages;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (runs < 1) {
      throw dev.ballast.cli.CliException.usage("--runs must be at least 1, was " + runs);
    }
    ScaleBench.BenchSystem target =
        switch (system) {
          case "zookeeper" -> ScaleBench.BenchSystem.ZOOKEEPER;
          case "etcd" -> ScaleBench.BenchSystem.ETCD;
          case "redis" -> ScaleBench.BenchSystem.REDIS;
          case "rabbitmq" -> ScaleBench.BenchSystem.RABBITMQ;
          case "kafka" -> ScaleBench.BenchSystem.KAFKA;
          default ->
              throw dev.ballast.cli.CliException.usage(
                  "--system must be zookeeper, etcd, redis, rabbitmq or kafka, was " + system);
        };
    PrintWriter out = spec.commandLine().getOut();
    Path root = workDir != null ? workDir : Files.createTempDirectory("ballast-bench");
    Clock clock = Clock.systemDefaultZone();
    List<ScaleBench.Figures> all = new ArrayList<>();
    // SIGTERM (or Ctrl-C) runs the shutdown hooks, not the finally below: stop what runs then.
    Thread stopOnExit =
        new Thread(
            () -> {
              ScaleBench.stopEverything(root);
              if (workDir == null) {
                deleteQuietly(root);
              }
            },
            "bench-stop-on-exit");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    try {
      for (int i = 1; i <= runs; i++) {
        int run = i;
        all.add(
            ScaleBench.run(
                target,
                root.resolve("run-" + i),
                dev.ballast.local.LocalWiring.ownClassPath(),
                line -> {
                  out.println(Output.stamped(clock, "run " + run + ": " + line));
                  out.flush();
                },
                stages
                    ? new ProgressPrinter(out, clock.instant())
                    : dev.ballast.core.execute.ExecutionListener.NONE));
      }
    } catch (ClusterOperationException e) {
      throw ScaleOutcomes.toCli(e);
    } finally {
      removeQuietly(stopOnExit);
      if (workDir == null) {
        deleteQuietly(root);
      }
    }
    Duration bUp = median(all, ScaleBench.Figures::ballastThreeToFive);
    Duration bDown = median(all, ScaleBench.Figures::ballastFiveToThree);
    Duration fUp = median(all, ScaleBench.Figures::floorThreeToFive);
    Duration fDown = median(all, ScaleBench.Figures::floorFiveToThree);
    out.println();
    out.printf(Locale.ROOT, "%-8s %12s %12s %8s%n", "change", "ballast", "floor", "ratio");
    out.printf(
        Locale.ROOT,
        "%-8s %10d ms %10d ms %7.2fx%n",
        "3 -> " + target.grown(),
        bUp.toMillis(),
        fUp.toMillis(),
        (double) bUp.toNanos() / fUp.toNanos());
    out.printf(
        Locale.ROOT,
        "%-8s %10d ms %10d ms %7.2fx%n",
        target.grown() + " -> 3",
        bDown.toMillis(),
        fDown.toMillis(),
        (double) bDown.toNanos() / fDown.toNanos());
    out.printf(Locale.ROOT, "(median of %d run%s)%n", runs, runs == 1 ? "" : "s");
    return ExitCodes.OK;
  }

  private static Duration median(
      List<ScaleBench.Figures> all, Function<ScaleBench.Figures, Duration> f) {
    List<Duration> sorted = all.stream().map(f).sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  /** Removes the hook once the run ended by itself; during a shutdown it is running already. */
  private static void removeQuietly(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook stops what runs
    }
  }

  private static void deleteQuietly(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }
}
