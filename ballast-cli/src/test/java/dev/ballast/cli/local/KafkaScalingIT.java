package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real Kafka 4.4 brokers beside one KRaft controller through the CLI: {@code ballast up} (3
 * brokers), {@code scale 3 → 4 → 3} under continuous acknowledged writes (acks=all, replication
 * factor 3, min.insync.replicas 2), then {@code ballast scale} killed (status 137, as SIGKILL) in
 * the middle of a rebalance and of a drain, and {@code ballast resume}. At the end every
 * acknowledged record is read back, no partition is under-replicated, and the controllers list
 * exactly the brokers 0..2 (the removed ones were unregistered).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaScalingIT {
  private static final String TOPIC = "load";

  @TempDir static java.nio.file.Path dir;
  private LocalZooKeeperCluster cluster;
  private KafkaContinuousWriter writer;

  @BeforeAll
  void up() throws Exception {
    cluster =
        LocalZooKeeperCluster.kafka(
            dir,
            "kafka-scale",
            """
            minReplicas: 3
            maxReplicas: 4
            timeouts:
              default: 60s
            """);
    BallastCli.Result up = BallastCli.run("up", "-f", cluster.path());
    assertThat(up.exitCode()).as(up.toString()).isZero();
    awaitAt(3);
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(TOPIC, 4, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    writer = new KafkaContinuousWriter(bootstrap(), TOPIC);
  }

  @AfterAll
  void down() throws Exception {
    try {
      if (writer != null) {
        writer.assertNoLostWrites();
        assertThat(writer.acknowledgedCount()).isGreaterThan(200);
        writer.close();
      }
      if (cluster != null) {
        assertHealthyAt(3);
      }
    } finally {
      if (cluster != null) {
        cluster.close();
        assertThat(cluster.processes()).as("processes left behind").isEmpty();
        assertThat(cluster.controllerProcesses()).as("controllers left behind").isEmpty();
      }
    }
  }

  @Test
  @Order(1)
  void scalesThreeToFourToThreeUnderWritesMovingPartitionsOnAndOff() throws Exception {
    // given
    int historyBefore = cluster.history().size();

    // when
    BallastCli.Result grow = BallastCli.run("scale", "-f", cluster.path(), "--replicas", "4");
    assertThat(grow.exitCode()).as(grow.toString()).isZero();
    assertHealthyAt(4);
    BallastCli.Result shrink = BallastCli.run("scale", "-f", cluster.path(), "--replicas", "3");

    // then: the new broker was filled, then drained, stopped and unregistered
    assertThat(grow.out())
        .contains(
            "add member 3 (3→4): JOIN ok",
            "add member 3 (3→4): REBALANCED ok",
            "scaled up from 3 to 4 members");
    assertThat(shrink.exitCode()).as(shrink.toString()).isZero();
    assertThat(shrink.out())
        .contains(
            "remove member 3 (4→3): DRAINED ok",
            "remove member 3 (4→3): LEAVE ok",
            "remove member 3 (4→3): CLEANUP ok");
    assertHealthyAt(3);
    List<HistoryRecord> records =
        cluster.history().subList(historyBefore, cluster.history().size());
    assertThat(records)
        .filteredOn(r -> r.kind() == RecordKind.OPERATION)
        .extracting(HistoryRecord::outcome)
        .containsExactly(Outcome.SUCCEEDED, Outcome.SUCCEEDED);
  }

  static Stream<KillBoundary> boundaries() {
    return Stream.of(
        new KillBoundary("add 3→4, killed in the middle of the fill", 3, 4, "0:REBALANCED"),
        new KillBoundary("remove 4→3, killed in the middle of the drain", 4, 3, "0:DRAINED"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("boundaries")
  @Order(2)
  void resumesARebalanceAndADrainKilledInTheMiddle(KillBoundary boundary) throws Exception {
    boundary.killThenResume(cluster, this::assertHealthyAt);
  }

  /**
   * The cluster is at {@code n} brokers by Ballast's status, and by Kafka's own account: the
   * controllers list exactly brokers 0..n-1 and no partition is under-replicated.
   */
  private void assertHealthyAt(int n) throws Exception {
    awaitAt(n);
    try (Admin admin = admin()) {
      Set<Integer> brokers =
          admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
              .map(Node::id)
              .collect(Collectors.toSet());
      assertThat(brokers)
          .isEqualTo(java.util.stream.IntStream.range(0, n).boxed().collect(Collectors.toSet()));
      Map<String, TopicDescription> topics =
          admin
              .describeTopics(admin.listTopics().names().get())
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      topics.values().stream()
          .flatMap(
              t -> t.partitions().stream().map(p -> Map.entry(t.name() + "-" + p.partition(), p)))
          .forEach(
              e ->
                  assertThat(e.getValue().isr())
                      .as("in-sync replicas of %s", e.getKey())
                      .containsExactlyInAnyOrderElementsOf(e.getValue().replicas()));
    }
  }

  /**
   * {@link LocalZooKeeperCluster#assertAt}, given a bounded time: each status read starts a new
   * Admin client, whose first answer can take longer than a request bound on a loaded machine.
   */
  private void awaitAt(int n) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .pollDelay(java.time.Duration.ZERO)
        .pollInterval(java.time.Duration.ofMillis(250))
        .untilAsserted(() -> cluster.assertAt(n));
  }

  private String bootstrap() {
    return cluster.status().members().stream()
        .filter(m -> m.ordinal() < 3)
        .map(m -> m.host() + ":" + m.clientPort())
        .collect(Collectors.joining(","));
  }

  private Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    return Admin.create(p);
  }
}
