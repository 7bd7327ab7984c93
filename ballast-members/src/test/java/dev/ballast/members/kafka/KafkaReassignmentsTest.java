package dev.ballast.members.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaReassignmentsTest {

  /** Six partitions of replication factor 2 spread over brokers 0, 1, 2. */
  private static Map<TopicPartition, List<Integer>> threeBrokers() {
    Map<TopicPartition, List<Integer>> a = new TreeMap<>(KafkaReassignments.ORDER);
    a.put(tp(0), List.of(0, 1));
    a.put(tp(1), List.of(1, 2));
    a.put(tp(2), List.of(2, 0));
    a.put(tp(3), List.of(0, 2));
    a.put(tp(4), List.of(1, 0));
    a.put(tp(5), List.of(2, 1));
    return a;
  }

  private static TopicPartition tp(int p) {
    return new TopicPartition("t", p);
  }

  private static Map<TopicPartition, List<Integer>> applied(
      Map<TopicPartition, List<Integer>> a, Map<TopicPartition, List<Integer>> moves) {
    Map<TopicPartition, List<Integer>> out = new HashMap<>(a);
    out.putAll(moves);
    return out;
  }

  private static Map<Integer, Long> load(Map<TopicPartition, List<Integer>> a) {
    Map<Integer, Long> load = new TreeMap<>();
    a.values().forEach(rs -> rs.forEach(b -> load.merge(b, 1L, Long::sum)));
    return load;
  }

  @Test
  void fillGivesTheNewBrokerItsShareAndKeepsTheReplicationFactor() {
    // given 12 replicas over 3 brokers, and broker 3 joins: its share is 12 / 4 = 3
    Map<TopicPartition, List<Integer>> before = threeBrokers();

    // when
    Map<TopicPartition, List<Integer>> moves =
        KafkaReassignments.fill(before, Set.of(0, 1, 2, 3), 3);

    // then
    Map<TopicPartition, List<Integer>> after = applied(before, moves);
    assertThat(moves).hasSize(3);
    assertThat(load(after)).containsEntry(3, 3L);
    assertThat(load(after).values()).allSatisfy(n -> assertThat(n).isBetween(3L, 3L));
    after.values().forEach(rs -> assertThat(rs).hasSize(2).doesNotHaveDuplicates());
  }

  @Test
  void fillingABrokerThatHoldsItsShareMovesNothing() {
    // given
    Map<TopicPartition, List<Integer>> before = threeBrokers();
    Map<TopicPartition, List<Integer>> filled =
        applied(before, KafkaReassignments.fill(before, Set.of(0, 1, 2, 3), 3));

    // when
    Map<TopicPartition, List<Integer>> again =
        KafkaReassignments.fill(filled, Set.of(0, 1, 2, 3), 3);

    // then
    assertThat(again).isEmpty();
  }

  @Test
  void drainMovesEveryReplicaOffTheLeavingBrokerOntoTheLeastLoaded() {
    // given broker 3 holds three replicas
    Map<TopicPartition, List<Integer>> filled =
        applied(threeBrokers(), KafkaReassignments.fill(threeBrokers(), Set.of(0, 1, 2, 3), 3));

    // when
    Map<TopicPartition, List<Integer>> moves = KafkaReassignments.drain(filled, Set.of(0, 1, 2), 3);

    // then
    Map<TopicPartition, List<Integer>> after = applied(filled, moves);
    assertThat(KafkaReassignments.heldBy(after, 3)).isEmpty();
    assertThat(load(after)).containsOnlyKeys(0, 1, 2).containsValues(4L, 4L, 4L);
    after.values().forEach(rs -> assertThat(rs).hasSize(2).doesNotHaveDuplicates());
  }

  @Test
  void drainRefusesWhenTooFewBrokersRemainForTheReplicationFactor() {
    // given a partition with three replicas, and only two brokers would remain
    Map<TopicPartition, List<Integer>> a = Map.of(tp(0), List.of(0, 1, 2));

    // then
    assertThatThrownBy(() -> KafkaReassignments.drain(a, Set.of(0, 1), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partition t-0 has 3 replicas")
        .hasMessageContaining("only 2 brokers would remain");
  }

  @Test
  void aMovedReplicaKeepsItsPositionInTheReplicaList() {
    // given broker 2 leads t-0
    Map<TopicPartition, List<Integer>> a = Map.of(tp(0), List.of(2, 0));

    // when
    Map<TopicPartition, List<Integer>> moves = KafkaReassignments.drain(a, Set.of(0, 1), 2);

    // then the replacement is the preferred leader
    assertThat(moves).containsEntry(tp(0), List.of(1, 0));
  }

  @Test
  void describesAtMostTheGivenNumberOfPartitions() {
    assertThat(KafkaReassignments.describe(List.of(tp(0), tp(1), tp(2)), 2))
        .isEqualTo("t-0, t-1 and 1 more");
  }
}
