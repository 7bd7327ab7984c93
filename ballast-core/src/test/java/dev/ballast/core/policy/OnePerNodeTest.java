package dev.ballast.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** "Each worker node can only have one meta pod and one chunk pod", as a pure check. */
class OnePerNodeTest {
  record Case(String name, Map<Integer, Optional<String>> nodeOf, int nodes, String refusal) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Optional<String> on(String node) {
    return Optional.of(node);
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("a free node", Map.of(0, on("a"), 1, on("b"), 2, on("c")), 3, null),
        new Case(
            "too few nodes",
            Map.of(0, on("a"), 1, on("b"), 2, on("c"), 3, on("a")),
            3,
            "one member per node: 4 members need 4 nodes, 3 are schedulable; add a node before"
                + " adding member 3"),
        new Case(
            "two on one node",
            Map.of(0, on("a"), 1, on("a"), 2, on("c")),
            5,
            "one member per node: members [0, 1] would share node a"),
        new Case(
            "an unknown node",
            Map.of(0, on("a"), 1, Optional.empty()),
            4,
            "one member per node: the node of member 1 is unknown"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesAnAddThatPutsTwoMembersOnOneNode(Case c) {
    // when
    int adding = c.nodeOf().keySet().stream().mapToInt(i -> i).max().orElseThrow();
    Optional<String> refusal = OnePerNode.refusal(adding, c.nodeOf(), c.nodes());

    // then
    if (c.refusal() == null) {
      assertThat(refusal).isEmpty();
    } else {
      assertThat(refusal).hasValueSatisfying(r -> assertThat(r).startsWith(c.refusal()));
    }
  }
}
