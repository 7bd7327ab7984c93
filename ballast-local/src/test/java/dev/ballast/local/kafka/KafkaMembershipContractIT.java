package dev.ballast.local.kafka;

import static java.util.stream.Collectors.toSet;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.core.testing.MembershipContract;
import dev.ballast.members.kafka.KafkaMembership;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Timeout;

/**
 * {@link KafkaMembership} passes the membership contract on real Kafka 4.4 brokers beside one KRaft
 * controller, started by the local process runtime on free 127.0.0.1 ports, with one topic whose
 * partitions are moved on a fill and off on a drain. The brokers are shared by the tests: before a
 * test that follows one that added, stopped, filled or drained a broker, Kafka's own Admin API
 * restores them (partitions moved back to the brokers they were created on).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KafkaMembershipContractIT extends MembershipContract {
  private static final Duration RESTORE = Duration.ofSeconds(60);
  private KafkaTestCluster brokers;

  @Override
  protected Cluster startCluster(int size) throws Exception {
    KafkaTestCluster cluster = KafkaTestCluster.start(size);
    brokers = cluster;
    KafkaMembership membership = new KafkaMembership(Duration.ofSeconds(5));
    return new Cluster(
        cluster.runtime,
        membership,
        () -> {
          membership.close();
          cluster.close();
        });
  }

  /**
   * A broker a test stopped starts again with its data; partitions a fill or a drain moved go back
   * to the replicas they were created with (Kafka's own reassignment, not the adapter under test);
   * brokers a test added are then killed and unregistered. Done when exactly brokers 0..size-1 are
   * registered (fenced ones included) and every partition has its full in-sync replica set.
   */
  @Override
  protected boolean restore(Cluster cluster, int size) throws Exception {
    List<Member> base = brokers.members(size);
    List<Member> extra =
        cluster.runtime().members().stream().filter(m -> m.ordinal() >= size).toList();
    Set<Integer> expected = IntStream.range(0, size).boxed().collect(Collectors.toSet());
    try (Admin admin = KafkaTestCluster.admin(base)) {
      for (Member m : base) {
        if (!cluster.runtime().isRunning(m.ordinal())) {
          cluster.runtime().start(m, Map.of());
        }
      }
      Map<Integer, List<Integer>> initial = brokers.initialAssignment();
      Map<TopicPartition, Optional<NewPartitionReassignment>> back = new HashMap<>();
      for (TopicPartitionInfo p : topic(admin).partitions()) {
        List<Integer> was = initial.get(p.partition());
        if (!Set.copyOf(was).equals(p.replicas().stream().map(Node::id).collect(toSet()))) {
          back.put(
              new TopicPartition(KafkaTestCluster.TOPIC, p.partition()),
              Optional.of(new NewPartitionReassignment(was)));
        }
      }
      if (!back.isEmpty()) {
        // a broker that was just started again may not be registered yet: retry until accepted
        await()
            .atMost(RESTORE)
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(
                () -> {
                  admin.alterPartitionReassignments(back).all().get(30, TimeUnit.SECONDS);
                  return true;
                });
        await()
            .atMost(RESTORE)
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(
                () ->
                    admin.listPartitionReassignments().reassignments().get().isEmpty()
                        && topic(admin).partitions().stream()
                            .allMatch(
                                p ->
                                    Set.copyOf(initial.get(p.partition()))
                                        .equals(
                                            p.replicas().stream().map(Node::id).collect(toSet()))));
      }
      for (Member m : extra) {
        cluster.runtime().stop(m.ordinal());
        if (registered(admin).contains(m.ordinal())) {
          admin.unregisterBroker(m.ordinal()).all().get(30, TimeUnit.SECONDS);
        }
        cluster.runtime().cleanup(m.ordinal(), DataPolicy.DELETE);
      }
      await()
          .atMost(RESTORE)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () ->
                  registered(admin).equals(expected)
                      && topic(admin).partitions().stream()
                          .allMatch(p -> p.isr().size() == p.replicas().size()));
    }
    return true;
  }

  private static Set<Integer> registered(Admin admin) throws Exception {
    return admin
        .describeCluster(new DescribeClusterOptions().includeFencedBrokers(true))
        .nodes()
        .get(30, TimeUnit.SECONDS)
        .stream()
        .map(Node::id)
        .collect(Collectors.toSet());
  }

  private static TopicDescription topic(Admin admin) throws Exception {
    return admin
        .describeTopics(List.of(KafkaTestCluster.TOPIC))
        .allTopicNames()
        .get(30, TimeUnit.SECONDS)
        .get(KafkaTestCluster.TOPIC);
  }

  @Override
  protected Duration settleTimeout() {
    return Duration.ofSeconds(45);
  }
}
