package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.local.ClusterStatus;
import dev.ballast.local.LocalWiring;
import dev.ballast.members.rabbitmq.RabbitMqNodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * A real RabbitMQ 3.10 cluster through the CLI: {@code ballast up} (nodes joined with {@code
 * join_cluster}), {@code scale 3 → 5 → 3} under continuous publishes with publisher confirms to
 * quorum queues (grown onto each new node, shrunk off each leaving one), then {@code ballast scale}
 * killed (status 137, as SIGKILL) in the middle of a drain and of a fill (issue 9's two kill
 * points), each followed by {@code ballast resume}. At the end every confirmed message is consumed
 * back and RabbitMQ's own {@code rabbitmq-diagnostics check_running} passes on every node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RabbitMqScalingIT {
  private static final List<String> QUEUES = List.of("load-a", "load-b", "load-c", "load-d");

  @TempDir static Path dir;
  private LocalZooKeeperCluster cluster;
  private RabbitMqContinuousPublisher publisher;

  @BeforeAll
  void up() throws Exception {
    cluster =
        LocalZooKeeperCluster.rabbitmq(
            dir,
            "rabbit-scale",
            """
            minReplicas: 3
            maxReplicas: 5
            timeouts:
              default: 90s
            """);
    BallastCli.Result up = BallastCli.run("up", "-f", cluster.path());
    assertThat(up.exitCode()).as(up.toString()).isZero();
    cluster.assertAt(3);
    List<Integer> ports =
        cluster.status().members().stream().map(m -> m.ports().get("amqp")).toList();
    publisher = new RabbitMqContinuousPublisher(ports, QUEUES);
  }

  @AfterAll
  void down() throws Exception {
    try {
      if (publisher != null) {
        publisher.assertEveryConfirmedMessageConsumed();
        assertThat(publisher.confirmedCount()).isGreaterThan(100);
        publisher.close();
      }
      if (cluster != null) {
        assertCheckRunningOnEveryNode(cluster.status());
      }
    } finally {
      if (cluster != null) {
        cluster.close();
        assertThat(cluster.processes()).as("processes left behind").isEmpty();
      }
    }
  }

  @Test
  @Order(1)
  void scalesThreeToFiveToThreeUnderPublishesGrowingAndShrinkingTheQuorumQueues() throws Exception {
    // given
    int historyBefore = cluster.history().size();
    int confirmedBefore = publisher.confirmedCount();

    // when
    BallastCli.Result grow = BallastCli.run("scale", "-f", cluster.path(), "--replicas", "5");
    cluster.assertAt(5);
    Map<String, List<String>> grown = queueMembers();
    BallastCli.Result shrink = BallastCli.run("scale", "-f", cluster.path(), "--replicas", "3");

    // then: the fill grew every quorum queue onto the new nodes, the drain shrank them off
    assertThat(grow.exitCode()).as(grow.toString()).isZero();
    assertThat(grow.out())
        .contains(
            "add member 3 (3→4): JOIN ok",
            "add member 3 (3→4): REBALANCED ok",
            "4/4 moved (100%): every quorum queue has an online replica on ballast-3@localhost",
            "add member 4 (4→5): VERIFY ok",
            "scaled up from 3 to 5 members");
    assertThat(grown.values()).allSatisfy(m -> assertThat(m).hasSize(5));
    assertThat(shrink.exitCode()).as(shrink.toString()).isZero();
    assertThat(shrink.out())
        .contains("remove member 4 (5→4): DRAINED ok", "remove member 3 (4→3): CLEANUP ok");
    cluster.assertAt(3);
    assertThat(queueMembers().values())
        .allSatisfy(
            m ->
                assertThat(m)
                    .containsExactlyInAnyOrder(
                        "ballast-0@localhost", "ballast-1@localhost", "ballast-2@localhost"));
    assertThat(publisher.confirmedCount()).isGreaterThan(confirmedBefore);
    List<HistoryRecord> records =
        cluster.history().subList(historyBefore, cluster.history().size());
    LocalScalingIT.assertOneRemovalAtATime(records);
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
  void resumesAfterAKillMidStep(KillBoundary boundary) throws Exception {
    boundary.killThenResume(cluster);

    // and every quorum queue has a replica on each node, no more
    assertThat(queueMembers().values()).allSatisfy(m -> assertThat(m).hasSize(boundary.to()));
  }

  /** The members of each quorum queue, as {@code rabbitmqctl list_queues} on node 0 reports. */
  private Map<String, List<String>> queueMembers() throws Exception {
    String out =
        tool(
            "rabbitmqctl",
            "ballast-0@localhost",
            "list_queues",
            "name",
            "members",
            "--formatter",
            "json");
    com.fasterxml.jackson.databind.JsonNode rows =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.substring(out.indexOf('[')));
    Map<String, List<String>> members = new java.util.TreeMap<>();
    for (com.fasterxml.jackson.databind.JsonNode row : rows) {
      List<String> nodes = new ArrayList<>();
      row.path("members").forEach(n -> nodes.add(n.asText()));
      members.put(row.path("name").asText(), nodes);
    }
    assertThat(members.keySet()).containsAll(QUEUES);
    return members;
  }

  /** RabbitMQ's own check: {@code rabbitmq-diagnostics check_running} passes on every node. */
  private void assertCheckRunningOnEveryNode(ClusterStatus status) throws Exception {
    List<String> nodes =
        status.members().stream().map(m -> RabbitMqNodes.nodeName(m.ordinal())).toList();
    assertThat(nodes).hasSize(3);
    for (String node : nodes) {
      String out = tool("rabbitmq-diagnostics", node, "check_running");
      assertThat(out).contains("is fully booted and running");
    }
  }

  /** Runs one of RabbitMQ's tools against {@code node} of this cluster; fails unless it exits 0. */
  private String tool(String tool, String node, String... args) throws Exception {
    RabbitMqNodes nodes = LocalWiring.rabbitMqNodes(cluster.clusterFile());
    List<String> cmd = nodes.cli(tool, node, List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(nodes.cliEnvironment());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s %s: %s", tool, List.of(args), out).isZero();
    return out;
  }
}
