package dev.ballast.local.rabbitmq;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.local.runtime.RabbitMqLauncher;
import dev.ballast.members.rabbitmq.RabbitMqMembership;
import dev.ballast.members.rabbitmq.RabbitMqNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Real RabbitMQ nodes for the adapter tests: a cluster of {@code size} nodes started by the local
 * process runtime through {@link RabbitMqLauncher} on free 127.0.0.1 ports (a private epmd, one
 * cookie), joined with the adapter, with {@link #QUEUES} declared as quorum queues holding {@link
 * #MESSAGES} messages each. {@link #restore} brings it back to a healthy cluster between tests, so
 * that a test class starts the nodes once; {@link #close} stops every node and epmd and deletes the
 * directory.
 */
final class RabbitMqTestCluster implements AutoCloseable {
  static final List<String> QUEUES = List.of("orders", "events");
  static final int MESSAGES = 50;
  private static final Duration WAIT = Duration.ofSeconds(60);

  final LocalProcessRuntime runtime;
  final RabbitMqNodes nodes;
  final RabbitMqMembership membership;
  private final Path stateDir;

  private RabbitMqTestCluster(Path stateDir) {
    this.stateDir = stateDir;
    this.nodes = RabbitMqNodes.forCluster(stateDir, RabbitMqNodes.DEFAULT_SCRIPTS);
    this.runtime =
        new LocalProcessRuntime(
            stateDir,
            "127.0.0.1",
            RabbitMqNodes.PORTS,
            new RabbitMqLauncher(nodes),
            Clock.systemUTC(),
            Duration.ofSeconds(10));
    this.membership = new RabbitMqMembership(nodes, Duration.ofSeconds(30));
  }

  static RabbitMqTestCluster start(int size) throws Exception {
    if (!Files.isExecutable(RabbitMqNodes.DEFAULT_SCRIPTS.resolve("rabbitmq-server"))) {
      throw new IllegalStateException(
          "no RabbitMQ at "
              + RabbitMqNodes.DEFAULT_SCRIPTS
              + "; run scripts/install-test-tools (Debian package rabbitmq-server)");
    }
    RabbitMqTestCluster cluster = new RabbitMqTestCluster(Files.createTempDirectory("rabbitmq-"));
    try {
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        members.add(cluster.runtime.prepare(i));
      }
      for (Member m : members) {
        cluster.runtime.start(m, Map.of());
      }
      for (int i = 0; i < size; i++) {
        cluster.awaitReady(members.get(i));
        if (i > 0) {
          cluster.membership.join(members.get(i), members.subList(0, i));
        }
      }
      cluster.declareQueues();
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void awaitReady(Member m) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> membership.notReady(m, List.of()).isEmpty());
  }

  private void declareQueues() throws Exception {
    try (Connection c = connect(0);
        Channel ch = c.createChannel()) {
      ch.confirmSelect();
      for (String q : QUEUES) {
        ch.queueDeclare(q, true, false, false, Map.of("x-queue-type", "quorum"));
        for (int i = 0; i < MESSAGES; i++) {
          ch.basicPublish(
              "",
              q,
              MessageProperties.PERSISTENT_TEXT_PLAIN,
              ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
      }
      ch.waitForConfirmsOrDie(30_000);
    }
  }

  /** An AMQP connection to the node of member {@code ordinal}. */
  Connection connect(int ordinal) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost("127.0.0.1");
    f.setPort(runtime.member(ordinal).orElseThrow().port("amqp"));
    f.setAutomaticRecoveryEnabled(false);
    return f.newConnection("ballast-test");
  }

  /** How many messages each queue holds, asked of member {@code ordinal}'s node. */
  long messageCount(int ordinal, String queue) throws Exception {
    try (Connection c = connect(ordinal);
        Channel ch = c.createChannel()) {
      return ch.queueDeclarePassive(queue).getMessageCount();
    }
  }

  /** Members 0..size-1. */
  List<Member> members(int size) {
    return IntStream.range(0, size).mapToObj(i -> runtime.member(i).orElseThrow()).toList();
  }

  /**
   * Brings the cluster back to {@code size} running members 0..size-1 with every quorum queue on
   * exactly their nodes: members a test added are drained (when they hold a replica), stopped and
   * forgotten (only deleted when they never ran as a cluster member); a member a test stopped is
   * started again; one a test removed is started anew and joined.
   */
  void restore(int size) {
    List<Member> base = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      base.add(runtime.member(i).orElse(null));
    }
    List<Member> running =
        base.stream().filter(b -> b != null && runtime.isRunning(b.ordinal())).toList();
    Set<Integer> clustered =
        running.isEmpty() ? Set.of() : membership.view(running).votingMembers();
    for (Member m : runtime.members()) {
      if (m.ordinal() >= size
          && !runtime.isRunning(m.ordinal())
          && !clustered.contains(m.ordinal())) {
        runtime.cleanup(m.ordinal(), DataPolicy.DELETE); // prepared, never joined: nothing to undo
      }
    }
    if (intact(base)) {
      return; // the test changed nothing that lasts: three calls instead of a rebuild
    }
    for (Member m : runtime.members()) {
      if (m.ordinal() >= size) {
        List<Member> kept =
            base.stream().filter(b -> b != null && runtime.isRunning(b.ordinal())).toList();
        String node = RabbitMqNodes.nodeName(m.ordinal());
        if (membership.quorumQueues(kept).stream().anyMatch(q -> q.members().contains(node))) {
          // a fill put replicas on it: shrink them off (a tool run) before it stops
          membership.drain(m, kept);
          await()
              .atMost(WAIT)
              .pollInterval(Duration.ofMillis(200))
              .until(() -> membership.drainProgress(m, kept).done());
        }
        runtime.stop(m.ordinal());
        membership.forget(m, kept);
        runtime.cleanup(m.ordinal(), DataPolicy.DELETE);
      }
    }
    for (int i = 0; i < size; i++) {
      Member m = base.get(i);
      List<Member> others = new ArrayList<>(base);
      others.remove(i);
      others.removeIf(o -> o == null || !runtime.isRunning(o.ordinal()));
      Set<Integer> voting = membership.view(others).votingMembers();
      if (m != null && voting.contains(i)) {
        runtime.start(m, Map.of()); // a member a test stopped: it rejoins with its data
        awaitReady(m);
        continue;
      }
      if (m != null) {
        runtime.stop(i);
        runtime.cleanup(i, DataPolicy.DELETE);
      }
      Member fresh = runtime.prepare(i);
      runtime.start(fresh, Map.of());
      awaitReady(fresh);
      membership.join(fresh, others);
      base.set(i, fresh);
    }
    List<RabbitMqMembership.QuorumQueue> queues = membership.quorumQueues(base);
    for (Member m : base) {
      String node = RabbitMqNodes.nodeName(m.ordinal());
      if (queues.stream().allMatch(q -> q.online().contains(node))) {
        continue; // every queue has its replica there already
      }
      List<Member> others = base.stream().filter(o -> o.ordinal() != m.ordinal()).toList();
      membership.rebalance(m, others);
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> membership.rebalanceProgress(m, others).done());
    }
    Set<Integer> expected = new TreeSet<>();
    base.forEach(m -> expected.add(m.ordinal()));
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                membership.view(base).healthy()
                    && membership.view(base).votingMembers().equals(expected));
  }

  /**
   * Whether exactly {@code base} run, are the cluster, and hold an online replica of every queue.
   */
  private boolean intact(List<Member> base) {
    if (base.contains(null) || runtime.members().size() != base.size()) {
      return false;
    }
    Set<Integer> expected = new TreeSet<>();
    base.forEach(m -> expected.add(m.ordinal()));
    var view = membership.view(base);
    if (!view.healthy() || !view.votingMembers().equals(expected)) {
      return false;
    }
    Set<String> nodes = new TreeSet<>();
    base.forEach(m -> nodes.add(RabbitMqNodes.nodeName(m.ordinal())));
    return membership.quorumQueues(base).stream()
        .allMatch(q -> new TreeSet<>(q.members()).equals(nodes) && q.online().containsAll(nodes));
  }

  @Override
  public void close() throws IOException {
    membership.close();
    try {
      runtime.stopAll();
    } finally {
      nodes.stopEpmd();
      try (var paths = Files.walk(stateDir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
