package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.local.ClusterStatus;
import dev.ballast.local.LocalClusterControl;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.local.runtime.ProcessIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A local ZooKeeper cluster (or, through {@link #etcd}, an etcd one) for the CLI tests: writes its
 * cluster file, reads its state directly (status, history, processes) without the lock, and tears
 * everything down, with a sweep of any process that still carries the cluster's marker.
 */
final class LocalZooKeeperCluster implements AutoCloseable {
  final Path file;
  private final ClusterFile cluster;

  private static final String ZOOKEEPER_MEMBER =
      """
      member:
        kind: zookeeper
        heap: 64m
        tickTime: 200ms
      """;

  LocalZooKeeperCluster(Path dir, String name, String specExtra) {
    this(dir, name, ZOOKEEPER_MEMBER, specExtra);
  }

  /**
   * A local RabbitMQ cluster of 3 nodes (kind rabbitmq, membership rabbitmq). RabbitMQ has no
   * cluster leader, and a node runs as several processes (the script, the Erlang VM and its
   * helpers), so {@link #assertAt} checks the leader and the processes accordingly.
   */
  static LocalZooKeeperCluster rabbitmq(Path dir, String name, String specExtra) {
    return new LocalZooKeeperCluster(dir, name, "member:\n  kind: rabbitmq\n", specExtra);
  }

  /** The cluster file as read. */
  ClusterFile clusterFile() {
    return cluster;
  }

  private boolean rabbitMq() {
    return cluster.member().kind() == dev.ballast.local.config.MemberKind.RABBITMQ;
  }

  /** A local etcd cluster of 3 members (kind etcd, membership etcd). */
  static LocalZooKeeperCluster etcd(Path dir, String name, String specExtra) {
    return new LocalZooKeeperCluster(dir, name, "member:\n  kind: etcd\n", specExtra);
  }

  static LocalZooKeeperCluster redis(Path dir, String name, String specExtra) {
    return new LocalZooKeeperCluster(dir, name, "member:\n  kind: redis\n", specExtra);
  }

  /** A local Kafka cluster of 3 brokers beside one KRaft controller (kind kafka). */
  static LocalZooKeeperCluster kafka(Path dir, String name, String specExtra) {
    return new LocalZooKeeperCluster(
        dir, name, "member:\n  kind: kafka\n  heap: 192m\n  controllers: 1\n", specExtra);
  }

  private LocalZooKeeperCluster(Path dir, String name, String member, String specExtra) {
    this.file = dir.resolve(name + ".yaml");
    String yaml =
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: %s
        spec:
          stateDir: %s-state
          replicas: 3
        %s%s
        """
            .formatted(name, name, member.indent(2), specExtra.indent(2));
    try {
      Files.writeString(file, yaml);
      this.cluster = ClusterFile.load(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (dev.ballast.local.config.ClusterFileException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  String path() {
    return file.toString();
  }

  ClusterStatus status() {
    try (LocalWiring w = LocalWiring.readOnly(cluster, Clock.systemUTC())) {
      return new LocalClusterControl(w).status();
    }
  }

  List<HistoryRecord> history() {
    try (LocalWiring w = LocalWiring.readOnly(cluster, Clock.systemUTC())) {
      return w.history().list();
    }
  }

  /** The live processes of a Kafka cluster's controller quorum (none for other kinds). */
  Set<Long> controllerProcesses() {
    try (LocalWiring w = LocalWiring.readOnly(cluster, Clock.systemUTC())) {
      return w.kafkaControllers().stream()
          .flatMap(q -> q.runtime().clusterProcesses().stream())
          .map(ProcessIdentity::pid)
          .collect(Collectors.toSet());
    }
  }

  /** Every live process started for this cluster, known to the member table or not. */
  Set<Long> processes() {
    try (LocalWiring w = LocalWiring.readOnly(cluster, Clock.systemUTC())) {
      return w.runtime().clusterProcesses().stream()
          .map(ProcessIdentity::pid)
          .collect(Collectors.toSet());
    }
  }

  /** The client URLs of members 0..2 (etcd), which every test keeps. */
  List<String> baseEndpoints() {
    return status().members().stream()
        .filter(m -> m.ordinal() < 3)
        .map(m -> "http://" + m.host() + ":" + m.clientPort())
        .toList();
  }

  /** The connect string of members 0..2, which every test keeps. */
  String baseConnectString() {
    ClusterStatus s = status();
    return s.members().stream()
        .filter(m -> m.ordinal() < 3)
        .map(m -> m.host() + ":" + m.clientPort())
        .collect(Collectors.joining(","));
  }

  /**
   * Asserts the cluster is healthy at exactly {@code n} members: every server agrees on the voting
   * members 0..n-1, one leader (none for Redis Cluster masters), the member table holds n members,
   * and no other process runs.
   */
  void assertAt(int n) {
    ClusterStatus s = status();
    assertThat(s.healthy()).as("healthy: %s", s).isTrue();
    assertThat(s.consistent()).as("every server reports the same membership").isTrue();
    assertThat(s.replicas()).isEqualTo(n);
    assertThat(s.members())
        .extracting(ClusterStatus.MemberState::ordinal)
        .containsExactlyElementsOf(IntStream.range(0, n).boxed().toList());
    assertThat(s.members()).allSatisfy(m -> assertThat(m.voting()).isTrue());
    if (s.members().stream().allMatch(m -> m.role().equals("master"))) {
      assertThat(s.leader()).as("Redis Cluster masters elect no leader").isNull();
    } else if (s.members().stream().allMatch(m -> m.role().equals("broker"))) {
      assertThat(s.leader()).as("Kafka brokers elect no leader").isNull();
    } else {
      assertThat(s.members().stream().filter(m -> m.role().equals("leader")).count())
          .isEqualTo(rabbitMq() ? 0 : 1);
    }
    assertThat(s.operation()).as("no operation in flight").isNull();
    assertThat(cluster.stateDir().resolve(LocalWiring.OPERATION_FILE))
        .as("the journal is cleared")
        .doesNotExist();
    Set<Long> tablePids =
        s.members().stream().map(ClusterStatus.MemberState::pid).collect(Collectors.toSet());
    if (rabbitMq()) {
      assertThat(processes()).as("every member's process runs").containsAll(tablePids);
      assertThat(processOrdinals()).as("no orphan process").isEqualTo(ordinals(s));
    } else {
      assertThat(processes()).as("no orphan process").isEqualTo(tablePids);
    }
  }

  /** The ordinals whose marker some live process of the cluster carries. */
  Set<Integer> processOrdinals() {
    try (LocalWiring w = LocalWiring.readOnly(cluster, Clock.systemUTC())) {
      return w.runtime().runningByMarker().keySet();
    }
  }

  private static Set<Integer> ordinals(ClusterStatus s) {
    return s.members().stream().map(ClusterStatus.MemberState::ordinal).collect(Collectors.toSet());
  }

  /** Stops and deletes everything, then kills whatever process of the cluster is left. */
  @Override
  public void close() {
    try {
      BallastCli.run("down", "-f", path(), "--purge");
    } finally {
      try (LocalWiring w = LocalWiring.readOnly(cluster, Clock.systemUTC())) {
        LocalProcessRuntime runtime = w.runtime();
        runtime
            .clusterProcesses()
            .forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
        w.kafkaControllers()
            .ifPresent(
                q ->
                    q.runtime()
                        .clusterProcesses()
                        .forEach(
                            p ->
                                ProcessHandle.of(p.pid())
                                    .ifPresent(ProcessHandle::destroyForcibly)));
      }
    }
  }
}
