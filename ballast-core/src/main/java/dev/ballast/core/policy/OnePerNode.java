package dev.ballast.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The placement rule "at most one member per node" (a storage system's meta and chunk servers): why
 * a member may not be added, given the node each member runs or would run on, if it may not. Pure:
 * the runtime supplies where members are placed.
 */
public final class OnePerNode {
  private OnePerNode() {}

  /**
   * Why adding member {@code adding} breaks the rule: a member whose node is unknown, two members
   * on one node (the new one included), or a node count below the size; empty when it holds. {@code
   * nodeOf} holds the node of every existing member and of {@code adding}.
   */
  public static Optional<String> refusal(
      int adding, Map<Integer, Optional<String>> nodeOf, int schedulableNodes) {
    int size = nodeOf.size();
    if (schedulableNodes < size) {
      return Optional.of(
          "one member per node: "
              + size
              + " members need "
              + size
              + " nodes, "
              + schedulableNodes
              + " are schedulable; add a node before adding member "
              + adding);
    }
    Map<String, List<Integer>> byNode = new TreeMap<>();
    for (Map.Entry<Integer, Optional<String>> e : new TreeMap<>(nodeOf).entrySet()) {
      if (e.getValue().isEmpty()) {
        return Optional.of("one member per node: the node of member " + e.getKey() + " is unknown");
      }
      byNode.computeIfAbsent(e.getValue().get(), n -> new ArrayList<>()).add(e.getKey());
    }
    return byNode.entrySet().stream()
        .filter(e -> e.getValue().size() > 1)
        .findFirst()
        .map(
            e ->
                "one member per node: members "
                    + e.getValue()
                    + " would share node "
                    + e.getKey()
                    + "; add a node before adding member "
                    + adding);
  }
}
