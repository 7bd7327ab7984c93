package dev.ballast.members.kafka;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/**
 * Plans partition reassignments (pure: no I/O): which replicas move so that a new broker carries
 * its share of the replicas, or so that a leaving broker carries none. The replication factor of
 * every partition is kept, a partition never gets two replicas on one broker, and each moved
 * replica keeps its position in the replica list (the first one is the preferred leader).
 */
public final class KafkaReassignments {
  private KafkaReassignments() {}

  /** Topic partitions in a stable order: by topic, then partition. */
  static final Comparator<TopicPartition> ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  /**
   * The replicas {@code joined} should hold among {@code brokers} (which include it): the floor of
   * the replicas of {@code assignment} over the brokers.
   */
  public static int share(Map<TopicPartition, List<Integer>> assignment, int brokers) {
    long replicas = assignment.values().stream().mapToLong(List::size).sum();
    return brokers == 0 ? 0 : (int) (replicas / brokers);
  }

  /**
   * The partitions to reassign so that {@code joined} holds its {@link #share}: each move takes a
   * replica from the most loaded broker (ties: the highest id) of a partition {@code joined} does
   * not hold yet. Empty when it already holds its share.
   */
  public static Map<TopicPartition, List<Integer>> fill(
      Map<TopicPartition, List<Integer>> assignment, Set<Integer> brokers, int joined) {
    Map<Integer, Integer> load = load(assignment, brokers);
    int want = share(assignment, brokers.size());
    Map<TopicPartition, List<Integer>> target = sorted(assignment);
    Map<TopicPartition, List<Integer>> moves = new LinkedHashMap<>();
    while (load.getOrDefault(joined, 0) < want) {
      boolean moved = false;
      List<Integer> donors =
          load.entrySet().stream()
              .filter(e -> e.getKey() != joined)
              .sorted(
                  Map.Entry.<Integer, Integer>comparingByValue()
                      .reversed()
                      .thenComparing(Map.Entry.<Integer, Integer>comparingByKey().reversed()))
              .map(Map.Entry::getKey)
              .toList();
      for (int donor : donors) {
        if (load.get(donor) <= want) {
          break; // no broker above the share is left to give
        }
        for (Map.Entry<TopicPartition, List<Integer>> e : target.entrySet()) {
          List<Integer> replicas = e.getValue();
          if (replicas.contains(donor)
              && !replicas.contains(joined)
              && !moves.containsKey(e.getKey())) {
            List<Integer> replaced = new ArrayList<>(replicas);
            replaced.set(replicas.indexOf(donor), joined);
            moves.put(e.getKey(), List.copyOf(replaced));
            e.setValue(List.copyOf(replaced));
            load.merge(donor, -1, Integer::sum);
            load.merge(joined, 1, Integer::sum);
            moved = true;
            break;
          }
        }
        if (moved) {
          break;
        }
      }
      if (!moved) {
        break; // every partition a loaded broker holds already has a replica on the new one
      }
    }
    return moves;
  }

  /**
   * The partitions to reassign so that {@code leaving} holds no replica: each of its replicas goes
   * to the least loaded broker of {@code remaining} (ties: the lowest id) that the partition does
   * not use yet.
   *
   * @throws IllegalArgumentException naming the partition when too few brokers would remain for its
   *     replication factor
   */
  public static Map<TopicPartition, List<Integer>> drain(
      Map<TopicPartition, List<Integer>> assignment, Set<Integer> remaining, int leaving) {
    Map<Integer, Integer> load = load(assignment, remaining);
    Map<TopicPartition, List<Integer>> moves = new LinkedHashMap<>();
    for (Map.Entry<TopicPartition, List<Integer>> e : sorted(assignment).entrySet()) {
      List<Integer> replicas = e.getValue();
      if (!replicas.contains(leaving)) {
        continue;
      }
      Integer to =
          load.entrySet().stream()
              .filter(b -> !replicas.contains(b.getKey()))
              .min(
                  Map.Entry.<Integer, Integer>comparingByValue()
                      .thenComparing(Map.Entry.comparingByKey()))
              .map(Map.Entry::getKey)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "partition "
                              + e.getKey()
                              + " has "
                              + replicas.size()
                              + " replicas "
                              + replicas
                              + " but only "
                              + remaining.size()
                              + " brokers would remain: lower its replication factor first"));
      List<Integer> replaced = new ArrayList<>(replicas);
      replaced.set(replicas.indexOf(leaving), to);
      moves.put(e.getKey(), List.copyOf(replaced));
      load.merge(to, 1, Integer::sum);
    }
    return moves;
  }

  /** The partitions with a replica on {@code broker}, in order. */
  public static List<TopicPartition> heldBy(
      Map<TopicPartition, List<Integer>> assignment, int broker) {
    return assignment.entrySet().stream()
        .filter(e -> e.getValue().contains(broker))
        .map(Map.Entry::getKey)
        .sorted(ORDER)
        .toList();
  }

  /** At most {@code limit} partitions as text, with how many more there are. */
  public static String describe(List<TopicPartition> partitions, int limit) {
    String shown =
        partitions.stream()
            .limit(limit)
            .map(TopicPartition::toString)
            .collect(Collectors.joining(", "));
    return partitions.size() > limit
        ? shown + " and " + (partitions.size() - limit) + " more"
        : shown;
  }

  private static Map<Integer, Integer> load(
      Map<TopicPartition, List<Integer>> assignment, Set<Integer> brokers) {
    Map<Integer, Integer> load = new TreeMap<>();
    brokers.forEach(b -> load.put(b, 0));
    assignment.values().forEach(rs -> rs.forEach(b -> load.computeIfPresent(b, (k, n) -> n + 1)));
    return load;
  }

  private static Map<TopicPartition, List<Integer>> sorted(
      Map<TopicPartition, List<Integer>> assignment) {
    Map<TopicPartition, List<Integer>> out = new TreeMap<>(ORDER);
    out.putAll(assignment);
    return out;
  }
}
