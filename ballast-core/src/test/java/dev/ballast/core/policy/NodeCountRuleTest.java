package dev.ballast.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The storage runbook's "5 or more nodes: 5 meta servers, else 3" as a rule in the policy. */
class NodeCountRuleTest {
  private static final NodeCountSizing META =
      new NodeCountSizing(List.of(new NodeCountSizing.Tier(5, 5)), 3);

  record Case(String name, Integer nodes, int proposed, int current, int expected, String why) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("4 nodes keep 3 meta servers", 4, 3, 3, 3, null),
        new Case("5 nodes call for 5", 5, 3, 3, 5, "5 schedulable nodes call for 5 members"),
        new Case("9 nodes still 5", 9, 3, 3, 5, "9 schedulable nodes call for 5 members"),
        new Case("back to 4 nodes: 3", 4, 5, 5, 3, "4 schedulable nodes call for 3 members"),
        new Case("a metric's proposal is overridden", 6, 7, 5, 5, "call for 5 members"),
        new Case(
            "unknown node count holds", null, 5, 3, 3, "the node count is unknown; holding 3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sizesTheComponentByItsNodeCount(Case c) {
    // given
    ScalingPolicy policy =
        ScalingPolicy.builder()
            .minReplicas(3)
            .maxReplicas(5)
            .allowedReplicas(List.of(3, 5))
            .nodes(
                NodeRules.of(
                    c.nodes() == null ? OptionalInt.empty() : OptionalInt.of(c.nodes()),
                    Optional.of(META),
                    true))
            .build();

    // when
    SizeDecision d = SizeRules.standard().apply(c.proposed(), c.current(), policy);

    // then
    assertThat(d.replicas()).isEqualTo(c.expected());
    if (c.why() == null) {
      assertThat(d.clamps()).noneMatch(cl -> cl.reason() == ClampReason.NODE_COUNT);
    } else {
      assertThat(d.clamps())
          .anySatisfy(
              cl -> {
                assertThat(cl.reason()).isEqualTo(ClampReason.NODE_COUNT);
                assertThat(cl.message()).contains(c.why()).contains("5 or more nodes -> 5, else 3");
              });
    }
  }

  @org.junit.jupiter.api.Test
  void aPolicyWithoutNodeSizingPassesEveryProposal() {
    ScalingPolicy policy = ScalingPolicy.builder().maxReplicas(9).build().withSchedulableNodes(2);
    assertThat(new NodeCountRule().apply(7, 3, policy)).isEmpty();
  }
}
