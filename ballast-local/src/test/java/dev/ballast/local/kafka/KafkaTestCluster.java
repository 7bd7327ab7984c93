package dev.ballast.local.kafka;

import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.Member;
import dev.ballast.local.runtime.KafkaControllerQuorum;
import dev.ballast.local.runtime.KafkaLauncher;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.local.runtime.TestTeardown;
import dev.ballast.members.kafka.KafkaServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;

/**
 * Real Kafka brokers for the adapter tests: one KRaft controller and {@code size} brokers started
 * by the local process runtime on free 127.0.0.1 ports in a temporary state directory, from the
 * test's own class path (as Ballast runs them), with one topic of {@value #PARTITIONS} partitions
 * and replication factor {@value #REPLICATION}. {@link #close} kills every process ({@link
 * TestTeardown}) and deletes the directory.
 */
final class KafkaTestCluster implements AutoCloseable {
  static final String TOPIC = "ballast-test";
  static final int PARTITIONS = 6;
  static final int REPLICATION = 2;

  final LocalProcessRuntime runtime;
  final KafkaControllerQuorum controllers;
  private final Path stateDir;

  /** The replicas (broker ids) of each partition of {@link #TOPIC} as it was created. */
  private final Map<Integer, List<Integer>> assignment = new TreeMap<>();

  private KafkaTestCluster(
      LocalProcessRuntime runtime, KafkaControllerQuorum controllers, Path stateDir) {
    this.runtime = runtime;
    this.controllers = controllers;
    this.stateDir = stateDir;
  }

  static KafkaTestCluster start(int size) throws Exception {
    Path stateDir = Files.createTempDirectory("kafka-test-");
    String classPath = System.getProperty("java.class.path");
    KafkaControllerQuorum quorum =
        new KafkaControllerQuorum(
            stateDir, "127.0.0.1", 1, "192m", classPath, Clock.systemUTC(), Duration.ofSeconds(5));
    KafkaTestCluster cluster =
        new KafkaTestCluster(
            new LocalProcessRuntime(
                stateDir,
                "127.0.0.1",
                KafkaServerConfig.PORTS,
                new KafkaLauncher(quorum, "192m", classPath),
                Clock.systemUTC(),
                Duration.ofSeconds(5)),
            quorum,
            stateDir);
    try {
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        members.add(cluster.runtime.prepare(i));
      }
      for (Member m : members) {
        cluster.runtime.start(m, Map.of());
      }
      try (Admin admin = admin(members)) {
        Set<Integer> expected = members.stream().map(Member::ordinal).collect(Collectors.toSet());
        await()
            // three broker JVMs and a controller start at once: slow on a loaded machine
            .atMost(Duration.ofSeconds(150))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(
                () ->
                    admin.describeCluster().nodes().get().stream()
                        .map(Node::id)
                        .collect(Collectors.toSet())
                        .equals(expected));
        admin
            .createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) REPLICATION)))
            .all()
            .get();
        admin
            .describeTopics(List.of(TOPIC))
            .allTopicNames()
            .get()
            .get(TOPIC)
            .partitions()
            .forEach(
                p ->
                    cluster.assignment.put(
                        p.partition(), p.replicas().stream().map(Node::id).toList()));
      }
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** An Admin client on {@code brokers}; the caller closes it. */
  static Admin admin(List<Member> brokers) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaServerConfig.bootstrap(brokers));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    return Admin.create(p);
  }

  /** The replicas (broker ids, preferred leader first) of each partition as it was created. */
  Map<Integer, List<Integer>> initialAssignment() {
    return Map.copyOf(assignment);
  }

  /** Members 0..size-1. */
  List<Member> members(int size) {
    List<Member> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      out.add(runtime.member(i).orElseThrow());
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    TestTeardown.killAll(runtime, controllers.runtime());
    runtime.stopAll();
    controllers.stopAll();
    try (var paths = Files.walk(stateDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
