package dev.ballast.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.kafka.KafkaMembership;
import dev.ballast.members.kafka.KafkaServerConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A broker that dies (SIGKILL) while partitions move onto it, during a drain and during a fill, on
 * real Kafka brokers: the progress poll stops with a message that names the broker and says what to
 * do, the leaving broker is refused its leave while it holds replicas, and every acknowledged
 * record stays readable. Moves are held in flight by a replication throttle (1 kB/s) on the topic,
 * so the broker dies in the middle of them, not before or after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaBrokerDeathIT {
  private static final int RECORDS = 2_000;
  private KafkaTestCluster cluster;
  private KafkaMembership membership;
  private Admin admin;

  @BeforeAll
  void start() throws Exception {
    cluster = KafkaTestCluster.start(4);
    membership = new KafkaMembership(Duration.ofSeconds(5));
    admin = KafkaTestCluster.admin(cluster.members(4));
    // About 2.7 MB per partition: a follower's first fetch (up to 1 MB) is not throttled, the rest
    // moves at 1 kB/s, so every move is still running when a broker is killed.
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaServerConfig.bootstrap(cluster.members(4)));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      String payload = "x".repeat(8_000);
      List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        sent.add(producer.send(new ProducerRecord<>(KafkaTestCluster.TOPIC, "k-" + i, payload)));
      }
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    throttle("1000");
  }

  @AfterAll
  void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (membership != null) {
      membership.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aTargetThatDiesDuringADrainStopsItAndTheLeavingBrokerKeepsItsReplicas() throws Exception {
    // given broker 3 drains onto 0..2, and one of the brokers receiving its replicas dies
    Member leaving = cluster.runtime.member(3).orElseThrow();
    List<Member> remaining = cluster.members(3);
    membership.drain(leaving, remaining);
    int target = awaitAddingReplica();
    kill(target);

    // then
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> membership.drainProgress(leaving, remaining))
                    .isInstanceOf(MembershipException.class)
                    .hasMessageContaining("draining broker 3 stopped")
                    .hasMessageContaining("broker(s) [" + target + "] died")
                    .hasMessageContaining("no data is lost")
                    .hasMessageContaining("'ballast up'"));
    assertThatThrownBy(() -> membership.leave(leaving, remaining))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("broker 3 still holds replicas of")
        .hasMessageContaining(KafkaTestCluster.TOPIC + "-");
    assertEveryRecordReadable();

    // when the dead broker comes back and the throttle is lifted, the drain finishes
    cluster.runtime.start(cluster.runtime.member(target).orElseThrow(), Map.of());
    throttle(null);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> membership.drainProgress(leaving, remaining).done());
    membership.leave(leaving, remaining);
    assertEveryRecordReadable();
  }

  @Test
  @Order(2)
  void aNewBrokerThatDiesDuringItsFillStopsItAndARollbackMovesItsReplicasBackOff()
      throws Exception {
    // given broker 3 (empty now) is filled under the throttle, and dies in the middle
    throttle("1000");
    Member joined = cluster.runtime.member(3).orElseThrow();
    List<Member> current = cluster.members(3);
    membership.rebalance(joined, current);
    assertThat(awaitAddingReplica()).isEqualTo(3);
    kill(3);

    // then
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> membership.rebalanceProgress(joined, current))
                    .isInstanceOf(MembershipException.class)
                    .hasMessageContaining("filling broker 3 stopped")
                    .hasMessageContaining("broker(s) [3] died")
                    .hasMessageContaining("no data is lost"));
    assertEveryRecordReadable();

    // when the add is rolled back: the fill is cancelled (what already moved stays where it is),
    // then broker 3 is drained with the throttle lifted
    membership.cancelRebalance(joined, current);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> assertThat(admin.listPartitionReassignments().reassignments().get()).isEmpty());
    throttle(null);
    membership.drain(joined, current);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> membership.drainProgress(joined, current).done());

    // then no partition keeps a replica on the dead broker, and every one is fully in sync
    admin
        .describeTopics(List.of(KafkaTestCluster.TOPIC))
        .allTopicNames()
        .get()
        .get(KafkaTestCluster.TOPIC)
        .partitions()
        .forEach(
            p ->
                assertThat(p.replicas())
                    .extracting(org.apache.kafka.common.Node::id)
                    .doesNotContain(3));
    assertThat(membership.notInSync(current)).isEmpty();
    assertEveryRecordReadable();
  }

  /** The first broker a running reassignment adds a replica to. */
  private int awaitAddingReplica() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                admin.listPartitionReassignments().reassignments().get().values().stream()
                    .map(PartitionReassignment::addingReplicas)
                    .filter(a -> !a.isEmpty())
                    .map(a -> a.get(0))
                    .findFirst()
                    .orElse(-1),
            b -> b >= 0);
  }

  private void kill(int ordinal) {
    long pid = cluster.runtime.process(ordinal).orElseThrow().pid();
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.runtime.isRunning(ordinal));
  }

  /** Sets (or with null, lifts) a replication throttle on every broker and the test topic. */
  private void throttle(String bytesPerSecond) throws Exception {
    AlterConfigOp.OpType op =
        bytesPerSecond == null ? AlterConfigOp.OpType.DELETE : AlterConfigOp.OpType.SET;
    List<AlterConfigOp> rates =
        List.of(
            new AlterConfigOp(
                new ConfigEntry("leader.replication.throttled.rate", bytesPerSecond), op),
            new AlterConfigOp(
                new ConfigEntry("follower.replication.throttled.rate", bytesPerSecond), op));
    List<AlterConfigOp> replicas =
        List.of(
            new AlterConfigOp(new ConfigEntry("leader.replication.throttled.replicas", "*"), op),
            new AlterConfigOp(new ConfigEntry("follower.replication.throttled.replicas", "*"), op));
    admin
        .incrementalAlterConfigs(
            Map.of(
                new ConfigResource(ConfigResource.Type.BROKER, ""),
                rates,
                new ConfigResource(ConfigResource.Type.TOPIC, KafkaTestCluster.TOPIC),
                replicas))
        .all()
        .get(30, TimeUnit.SECONDS);
    // Each broker applies the change from its metadata: wait until every one reports it (a broker
    // that was just started again may not answer yet).
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () ->
                admin
                    .describeConfigs(
                        cluster.members(4).stream()
                            .map(
                                m ->
                                    new ConfigResource(
                                        ConfigResource.Type.BROKER, Integer.toString(m.ordinal())))
                            .filter(r -> cluster.runtime.isRunning(Integer.parseInt(r.name())))
                            .toList())
                    .all()
                    .get(10, TimeUnit.SECONDS)
                    .values()
                    .stream()
                    .allMatch(
                        c -> {
                          ConfigEntry e = c.get("leader.replication.throttled.rate");
                          String v = e == null ? null : e.value();
                          return bytesPerSecond == null
                              ? v == null || !v.equals("1000")
                              : bytesPerSecond.equals(v);
                        }));
  }

  private void assertEveryRecordReadable() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaServerConfig.bootstrap(cluster.members(3)));
    Set<String> keys = new HashSet<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          java.util.stream.IntStream.range(0, KafkaTestCluster.PARTITIONS)
              .mapToObj(i -> new TopicPartition(KafkaTestCluster.TOPIC, i))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (keys.size() < RECORDS && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> keys.add(r.key()));
      }
    }
    assertThat(keys).as("every acknowledged record").hasSize(RECORDS);
  }
}
