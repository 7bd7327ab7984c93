package dev.ballast.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlannerTest {

  private static final ScalingPolicy ODD =
      ScalingPolicy.builder().minReplicas(3).allowedReplicas(List.of(3, 5, 7)).build();

  record Case(
      String name,
      ScalingPolicy policy,
      int current,
      int target,
      RefusalReason reason,
      String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> refusals() {
    ScalingPolicy noShrink =
        ScalingPolicy.builder().minReplicas(1).maxReplicas(7).shrink(ShrinkPolicy.DISABLED).build();
    ScalingPolicy anySize = ScalingPolicy.builder().minReplicas(1).maxReplicas(9).build();
    return Stream.of(
        new Case(
            "a size outside allowedReplicas names the allowed sizes",
            ODD,
            3,
            4,
            RefusalReason.NOT_ALLOWED_SIZE,
            "4 is not an allowed size; allowed sizes are 3, 5, 7"),
        new Case(
            "shrink disabled refuses any smaller size",
            noShrink,
            5,
            3,
            RefusalReason.SHRINK_DISABLED,
            "shrinking is disabled by the scale-down policy (Disabled); the cluster stays at 5"
                + " members"),
        new Case(
            "below minReplicas",
            ODD,
            5,
            1,
            RefusalReason.BELOW_MIN,
            "1 is below minReplicas 3; request 3 or more"),
        new Case(
            "above maxReplicas",
            ODD,
            5,
            9,
            RefusalReason.ABOVE_MAX,
            "9 is above maxReplicas 7; request 7 or fewer"),
        new Case(
            "removing from two members would lose the majority",
            anySize,
            2,
            1,
            RefusalReason.BELOW_QUORUM,
            "removing a member from 2 would leave 1, fewer than a majority of 2 (2); the smallest"
                + " safe size is 2"),
        new Case(
            "shrinking to one through two loses the majority",
            anySize,
            5,
            1,
            RefusalReason.BELOW_QUORUM,
            "removing a member from 2 would leave 1, fewer than a majority of 2 (2); the smallest"
                + " safe size is 2"),
        new Case(
            "a negative size",
            ODD,
            3,
            -1,
            RefusalReason.INVALID_SIZE,
            "replicas must be 0 or more, was -1; give a size such as 3"),
        new Case(
            "an empty cluster",
            ODD,
            0,
            3,
            RefusalReason.CLUSTER_NOT_READY,
            "the cluster has no members; create it before scaling it"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesUnsafeRequestsWithADistinctReasonAndAHelpfulMessage(Case c) {
    // when
    PlanResult result = new Planner(c.policy()).plan(c.current(), c.target());

    // then
    assertThat(result).isInstanceOf(PlanResult.Refused.class);
    Refusal refusal = ((PlanResult.Refused) result).refusal();
    assertThat(refusal.reason()).isEqualTo(c.reason());
    assertThat(refusal.message()).isEqualTo(c.message());
  }

  @Test
  void plansThreeToFiveAndBackToThree() {
    // given
    Planner planner = new Planner(ODD);

    // when
    PlanResult up = planner.plan(3, 5);
    PlanResult down = planner.plan(5, 3);

    // then
    assertThat(((PlanResult.Planned) up).plan().steps()).containsExactly(Step.add(3), Step.add(4));
    assertThat(((PlanResult.Planned) down).plan().steps())
        .containsExactly(Step.remove(4), Step.remove(3));
  }

  @Test
  void allowsShrinkingASevenMemberEnsembleToThreeOneMemberAtATime() {
    PlanResult result = new Planner(ODD).plan(7, 3);
    assertThat(((PlanResult.Planned) result).plan().steps()).hasSize(4);
  }

  @Test
  void allowsRemovingFromTwoWhenTheMembersDoNotVote() {
    // given
    ScalingPolicy noQuorum =
        ScalingPolicy.builder().maxReplicas(4).quorumGuard(QuorumGuard.NONE).build();

    // when
    PlanResult result = new Planner(noQuorum).plan(2, 1);

    // then
    assertThat(result).isInstanceOf(PlanResult.Planned.class);
  }

  @Test
  void anUnchangedSizeIsAnEmptyPlanNotARefusal() {
    PlanResult result = new Planner(ODD).plan(5, 5);
    assertThat(((PlanResult.Planned) result).plan().isEmpty()).isTrue();
  }

  @Test
  void growingIsAllowedWhenShrinkIsDisabled() {
    ScalingPolicy noShrink =
        ScalingPolicy.builder().maxReplicas(7).shrink(ShrinkPolicy.DISABLED).build();
    assertThat(new Planner(noShrink).plan(3, 5)).isInstanceOf(PlanResult.Planned.class);
  }
}
