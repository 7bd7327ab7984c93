package dev.ballast.core.execute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.plan.StepKind;
import dev.ballast.core.policy.StageTimeouts;
import dev.ballast.core.testing.FakeMembership.Call;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fill stages of an add step ({@code REBALANCE → REBALANCED}, and {@code CANCEL_REBALANCE} when
 * the add is undone) on a fixed clock: walked only by systems that fill new members, progress
 * reported and recorded, bounded by their timeout, and never leaving a member that holds data.
 */
class OperationExecutorFillTest {

  private static World filling(int polls, long units) {
    World world =
        World.ofSize(
            3,
            World.defaultPolicy()
                .timeouts(
                    StageTimeouts.uniform(Duration.ofMinutes(2))
                        .with(Stage.REBALANCED, Duration.ofSeconds(30)))
                .drainTimeout(Duration.ofMinutes(1))
                .build());
    world.membership.filling(polls, units);
    return world;
  }

  private static Operation run(World world, int to) {
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(to));
    return world.runToEnd(controller).operation().orElseThrow();
  }

  private static List<Stage> completedStages(World world, int ordinal) {
    return world.listener.of(EventReason.STAGE_COMPLETED).stream()
        .filter(e -> e.ordinal() != null && e.ordinal() == ordinal)
        .map(ScalingEvent::stage)
        .toList();
  }

  @Test
  void aSystemThatNeedsNoFillWalksExactlyTheAddStagesItWalkedBefore() {
    // given a ZooKeeper-like system: members serve once they joined
    World world = World.ofSize(3);

    // when
    Operation end = run(world, 4);

    // then no fill stage is walked, recorded or reported, and the adapter is never asked to fill
    assertThat(end.outcome()).isEqualTo(Outcome.SUCCEEDED);
    List<Stage> walked =
        List.of(
            Stage.PREFLIGHT,
            Stage.ANNOUNCE,
            Stage.START,
            Stage.READY,
            Stage.JOIN,
            Stage.VERIFY,
            Stage.PUBLISH);
    assertThat(completedStages(world, 3)).isEqualTo(walked);
    assertThat(world.history.ofKind(RecordKind.STAGE))
        .extracting(HistoryRecord::stage)
        .isEqualTo(walked);
    assertThat(world.history.ofKind(RecordKind.STAGE))
        .extracting(HistoryRecord::message)
        .allMatch(m -> m.matches("[A-Z]+ done"));
    assertThat(world.membership.count(Call.REBALANCE, 3)).isZero();
    assertThat(world.membership.count(Call.REBALANCE_PROGRESS, 3)).isZero();
  }

  @Test
  void aRolledBackAddOfASystemThatNeedsNoFillWalksTheUndoStagesItWalkedBefore() {
    // given
    World world = World.ofSize(3);
    world.membership.refuse(Call.JOIN);

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(completedStages(world, 3))
        .endsWith(Stage.LEAVE, Stage.STOP, Stage.GONE, Stage.CLEANUP, Stage.VERIFY, Stage.PUBLISH)
        .doesNotContain(Stage.CANCEL_REBALANCE, Stage.DRAIN, Stage.DRAINED);
    assertThat(world.membership.count(Call.CANCEL_REBALANCE, 3)).isZero();
  }

  @Test
  void fillsTheNewMemberBetweenJoinAndVerifyAndRecordsWhatMoved() {
    // given a system whose new member needs 1000 units, moved in 3 polls
    World world = filling(3, 1000);

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(completedStages(world, 3))
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
    assertThat(world.membership.held(3)).isEqualTo(1000);
    assertThat(world.membership.count(Call.REBALANCE, 3)).isEqualTo(1);
    assertThat(world.history.ofKind(RecordKind.STAGE))
        .filteredOn(r -> r.stage() == Stage.REBALANCED)
        .extracting(HistoryRecord::message)
        .containsExactly("REBALANCED done: 1000/1000 moved (100%): units");
    assertThat(world.listener.of(EventReason.STAGE_COMPLETED))
        .filteredOn(e -> e.stage() == Stage.REBALANCED)
        .extracting(ScalingEvent::message)
        .containsExactly("adding member 3: REBALANCED done: 1000/1000 moved (100%): units");
  }

  @Test
  void showsHowFarTheFillHasComeWhileItRuns() {
    // given
    World world = filling(3, 1000);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    world.tickUntil(controller, Stage.REBALANCED);

    // when
    Progress first = controller.tick();
    Progress second = controller.tick();

    // then the journal in flight says what the stage waits for (the status line shows it)
    assertThat(first.advanced()).isFalse();
    assertThat(first.nextTick()).isEqualTo(OperationExecutor.POLL_INTERVAL);
    assertThat(first.operation().orElseThrow().lastError())
        .isEqualTo("filling member 3: 250/1000 moved (25%): units");
    assertThat(second.operation().orElseThrow().lastError())
        .isEqualTo("filling member 3: 500/1000 moved (50%): units");
  }

  @Test
  void aFillThatOutlivesItsTimeoutIsCancelledDrainedBackAndTheAddRolledBack() {
    // given a fill that moves data but never finishes
    World world = filling(3, 1000);
    world.membership.hang(Call.REBALANCE_PROGRESS);

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(end.message())
        .startsWith(
            "adding member 3 failed at REBALANCED: REBALANCED did not complete within PT30S:"
                + " filling member 3: ")
        .endsWith("; rolled back to 3 members");
    assertThat(completedStages(world, 3))
        .endsWith(
            Stage.CANCEL_REBALANCE,
            Stage.DRAIN,
            Stage.DRAINED,
            Stage.LEAVE,
            Stage.STOP,
            Stage.GONE,
            Stage.CLEANUP,
            Stage.VERIFY,
            Stage.PUBLISH);
    assertThat(world.membership.count(Call.CANCEL_REBALANCE, 3)).isEqualTo(1);
    assertThat(world.membership.held(3)).isZero();
    assertThat(world.membership.lostData()).isEmpty();
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void aMemberThatDiesDuringItsFillIsLeftAsAMemberWithItsDataAndTheMessageSaysWhatToDo() {
    // given a fill under way
    World world = filling(10, 1000);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    world.tickUntil(controller, Stage.REBALANCED);
    controller.tick();
    long moved = world.membership.held(3);

    // when the new member dies with data on it
    world.runtime.kill(3);
    Operation end = world.runToEnd(controller).operation().orElseThrow();

    // then the undo stops before the member leaves: its data is not thrown away
    assertThat(moved).isPositive();
    assertThat(end.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(end.message())
        .contains("adding member 3 failed at REBALANCED")
        .contains("rolling back member 3 failed at DRAINED")
        .contains("member 3 joined and may still hold data that was moved onto it")
        .endsWith("inspect it before scaling again");
    assertThat(world.membership.voting()).contains(3);
    assertThat(world.membership.count(Call.LEAVE, 3)).isZero();
    assertThat(world.runtime.hasData(3)).isTrue();
    assertThat(world.membership.lostData()).isEmpty();
  }

  @Test
  void aFillIsCancelledWhenTheTargetGoesBackDownAndWhatMovedIsMovedBack() {
    // given a fill under way
    World world = filling(10, 1000);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    world.tickUntil(controller, Stage.REBALANCED);
    controller.tick();
    assertThat(world.membership.held(3)).isPositive();

    // when the target goes back to 3
    ScaleResponse response = controller.request(ScaleRequest.manual(3));
    Operation end = world.runToEnd(controller).operation().orElseThrow();

    // then
    assertThat(response).isInstanceOf(ScaleResponse.Retargeted.class);
    assertThat(((ScaleResponse.Retargeted) response).message())
        .isEqualTo(
            "cancelling the fill of member 3: what moved onto it is moved back and it leaves;"
                + " the cluster will stay at 3 members");
    assertThat(end.outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(end.message())
        .isEqualTo(
            "the fill of member 3 was cancelled: the target went back down; the cluster stays at"
                + " 3 members");
    assertThat(world.membership.count(Call.CANCEL_REBALANCE, 3)).isEqualTo(1);
    assertThat(world.membership.held(3)).isZero();
    assertThat(world.membership.lostData()).isEmpty();
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.listener.codes()).last().isEqualTo("ScalingCancelled");
  }

  @Test
  void aLowerTargetOutsideAFillIsStillRefusedWhileAnAddRuns() {
    // given a filling system's add at JOIN
    World world = filling(10, 1000);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    world.tickUntil(controller, Stage.JOIN);

    // when
    ScaleResponse response = controller.request(ScaleRequest.manual(3));

    // then
    assertThat(response).isInstanceOf(ScaleResponse.Refused.class);
    assertThat(world.runToEnd(controller).operation().orElseThrow().outcome())
        .isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void aFailedAddBeforeTheFillSkipsTheUndoOfAFillThatNeverRan() {
    // given a filling system whose new member never gets ready
    World world = filling(3, 1000);
    world.runtime.neverStarts(3);

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(world.membership.count(Call.REBALANCE, 3)).isZero();
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.runtime.members()).hasSize(3);
  }

  @Test
  void undoStagesOfASystemThatFillsStartByStoppingTheFill() {
    assertThat(StepKind.UNDO_ADD.stages(true))
        .startsWith(Stage.CANCEL_REBALANCE, Stage.DRAIN, Stage.DRAINED, Stage.LEAVE);
    assertThat(StepKind.UNDO_ADD.stages(false)).startsWith(Stage.LEAVE);
    assertThat(StepKind.ADD.next(Stage.JOIN, false)).isEqualTo(Stage.VERIFY);
    assertThat(StepKind.ADD.next(Stage.JOIN, true)).isEqualTo(Stage.REBALANCE);
  }
}
