package dev.ballast.local.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.local.runtime.RabbitMqLauncher;
import dev.ballast.members.rabbitmq.RabbitMqNodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The floor for scaling a local RabbitMQ cluster 3 → 5 and 5 → 3: the steps an operator does by
 * hand with RabbitMQ's own tools, with no Ballast engine, journal or verification, timed. Nodes are
 * started and stopped by the same local runtime Ballast uses, with the same settings and the same
 * {@link #QUEUES} quorum queues, so that only the membership work differs.
 *
 * <p>Add, for each new node: start it; {@code rabbitmq-diagnostics check_running} until it answers;
 * {@code rabbitmqctl stop_app}, {@code reset}, {@code join_cluster ballast-0@localhost}, {@code
 * start_app}; {@code rabbitmq-queues grow <node> all}. Remove, highest first: {@code
 * rabbitmq-queues shrink <node>}; stop the node; {@code rabbitmqctl forget_cluster_node} on node 0.
 * The starting 3-node cluster is formed before the clock starts, and every process is stopped at
 * the end.
 */
public final class RabbitMqManualFloor {
  /** Quorum queues both sides of the bench carry. */
  public static final int QUEUES = 8;

  /** Messages in each queue before the change. */
  public static final int MESSAGES = 100;

  private static final Duration STEP_LIMIT = Duration.ofSeconds(120);

  private RabbitMqManualFloor() {}

  /** Measures with nodes under {@code workDir}. */
  public static ScaleBench.Floor measure(Path workDir) {
    RabbitMqNodes nodes = RabbitMqNodes.forCluster(workDir, RabbitMqNodes.DEFAULT_SCRIPTS);
    LocalProcessRuntime runtime =
        new LocalProcessRuntime(
            workDir,
            "127.0.0.1",
            RabbitMqNodes.PORTS,
            new RabbitMqLauncher(nodes),
            Clock.systemUTC(),
            Duration.ofSeconds(10));
    try {
      List<Member> current = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        current.add(runtime.prepare(i));
      }
      for (Member m : current) {
        runtime.start(m, Map.of());
      }
      for (Member m : current) {
        awaitRunning(nodes, m);
        if (m.ordinal() > 0) {
          join(nodes, m);
        }
      }
      declareQueues(current.get(0).port("amqp"));

      long upStart = System.nanoTime();
      for (int ordinal = 3; ordinal <= 4; ordinal++) {
        Member joining = runtime.prepare(ordinal);
        runtime.start(joining, Map.of());
        awaitRunning(nodes, joining);
        join(nodes, joining);
        String node = RabbitMqNodes.nodeName(ordinal);
        run(nodes, "rabbitmq-queues", node, "grow", node, "all");
      }
      Duration up = Duration.ofNanos(System.nanoTime() - upStart);

      long downStart = System.nanoTime();
      for (int ordinal = 4; ordinal >= 3; ordinal--) {
        String node = RabbitMqNodes.nodeName(ordinal);
        run(nodes, "rabbitmq-queues", RabbitMqNodes.nodeName(0), "shrink", node);
        runtime.stop(ordinal);
        run(nodes, "rabbitmqctl", RabbitMqNodes.nodeName(0), "forget_cluster_node", node);
      }
      Duration down = Duration.ofNanos(System.nanoTime() - downStart);
      return new ScaleBench.Floor(up, down);
    } finally {
      runtime.stopAll();
      for (Member m : runtime.members()) {
        runtime.cleanup(m.ordinal(), DataPolicy.DELETE);
      }
      try {
        nodes.stopEpmd();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Declares {@link #QUEUES} quorum queues {@code bench-<n>} through the node on {@code amqpPort},
   * each with {@link #MESSAGES} persistent messages, confirmed.
   */
  public static void declareQueues(int amqpPort) {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost("127.0.0.1");
    f.setPort(amqpPort);
    f.setAutomaticRecoveryEnabled(false);
    try (Connection c = f.newConnection("ballast-bench");
        Channel ch = c.createChannel()) {
      ch.confirmSelect();
      for (int q = 0; q < QUEUES; q++) {
        String name = "bench-" + q;
        ch.queueDeclare(name, true, false, false, Map.of("x-queue-type", "quorum"));
        for (int i = 0; i < MESSAGES; i++) {
          ch.basicPublish(
              "",
              name,
              MessageProperties.PERSISTENT_TEXT_PLAIN,
              ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
      }
      ch.waitForConfirmsOrDie(60_000);
    } catch (IOException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot declare the bench queues: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while declaring the bench queues", e);
    }
  }

  private static void join(RabbitMqNodes nodes, Member m) {
    String node = RabbitMqNodes.nodeName(m.ordinal());
    run(nodes, "rabbitmqctl", node, "stop_app");
    run(nodes, "rabbitmqctl", node, "reset");
    run(nodes, "rabbitmqctl", node, "join_cluster", RabbitMqNodes.nodeName(0));
    run(nodes, "rabbitmqctl", node, "start_app");
  }

  /** Polls {@code check_running} (it fails at once until the node registered with epmd). */
  private static void awaitRunning(RabbitMqNodes nodes, Member m) {
    String node = RabbitMqNodes.nodeName(m.ordinal());
    long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
    while (exec(nodes, "rabbitmq-diagnostics", node, "check_running") != 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(node + " did not start within " + STEP_LIMIT);
      }
      sleep(100);
    }
  }

  private static void run(RabbitMqNodes nodes, String tool, String node, String... args) {
    int rc = exec(nodes, tool, node, args);
    if (rc != 0) {
      throw new IllegalStateException(
          tool + " " + String.join(" ", args) + " on " + node + " exited with " + rc);
    }
  }

  private static int exec(RabbitMqNodes nodes, String tool, String node, String... args) {
    ProcessBuilder pb =
        new ProcessBuilder(nodes.cli(tool, node, List.of(args)))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(nodes.cliEnvironment());
    try {
      Process p = pb.start();
      if (!p.waitFor(STEP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(tool + " on " + node + " did not end in " + STEP_LIMIT);
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
