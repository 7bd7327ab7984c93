package dev.ballast.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PlanTest {

  @Test
  void growsFromThreeToFiveByAddingTheNextOrdinalsInOrder() {
    // when
    Plan plan = Plan.between(3, 5);

    // then
    assertThat(plan.steps()).containsExactly(Step.add(3), Step.add(4));
    assertThat(plan.steps().get(0).sizeBefore()).isEqualTo(3);
    assertThat(plan.steps().get(1).sizeAfter()).isEqualTo(5);
  }

  @Test
  void shrinksFromFiveToThreeByRemovingTheHighestOrdinalFirst() {
    // when
    Plan plan = Plan.between(5, 3);

    // then
    assertThat(plan.steps()).containsExactly(Step.remove(4), Step.remove(3));
    assertThat(plan.steps()).allMatch(s -> s.kind() == StepKind.REMOVE);
  }

  @Test
  void anUnchangedSizeHasNoSteps() {
    assertThat(Plan.between(3, 3).isEmpty()).isTrue();
  }

  @Property
  void neverRemovesTwoMembersAtOnce(
      @ForAll @IntRange(min = 1, max = 40) int from, @ForAll @IntRange(min = 0, max = 40) int to) {
    // when
    Plan plan = Plan.between(from, to);

    // then every step changes exactly one member, and the steps chain from -> to
    int size = from;
    for (Step step : plan.steps()) {
      assertThat(step.sizeBefore()).isEqualTo(size);
      assertThat(Math.abs(step.sizeAfter() - step.sizeBefore())).isEqualTo(1);
      // StatefulSet order: add the next ordinal, remove the highest
      assertThat(step.ordinal()).isEqualTo(step.kind().grows() ? size : size - 1);
      size = step.sizeAfter();
    }
    assertThat(size).isEqualTo(to);
    assertThat(plan.steps()).hasSize(Math.abs(to - from));
    assertThat(plan.steps())
        .allMatch(s -> s.kind() == (to > from ? StepKind.ADD : StepKind.REMOVE));
  }

  @Test
  void stepKindsWalkTheStagesOfTheArchitecture() {
    assertThat(StepKind.ADD.stages())
        .containsExactly(
            Stage.PREFLIGHT,
            Stage.ANNOUNCE,
            Stage.START,
            Stage.READY,
            Stage.JOIN,
            Stage.REBALANCE,
            Stage.REBALANCED,
            Stage.VERIFY,
            Stage.PUBLISH);
    assertThat(StepKind.ADD.stages(false))
        .containsExactly(
            Stage.PREFLIGHT,
            Stage.ANNOUNCE,
            Stage.START,
            Stage.READY,
            Stage.JOIN,
            Stage.VERIFY,
            Stage.PUBLISH);
    assertThat(StepKind.REMOVE.stages())
        .containsExactly(
            Stage.PREFLIGHT,
            Stage.DRAIN,
            Stage.DRAINED,
            Stage.LEAVE,
            Stage.STOP,
            Stage.GONE,
            Stage.CLEANUP,
            Stage.VERIFY,
            Stage.PUBLISH);
    assertThat(StepKind.REMOVE.next(Stage.LEAVE)).isEqualTo(Stage.STOP);
    assertThat(StepKind.ADD.next(Stage.PUBLISH)).isNull();
  }
}
