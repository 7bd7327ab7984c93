package dev.ballast.core.execute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.RefusalReason;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.core.testing.FakeMembership;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScalingControllerTest {

  @Test
  void scalesThreeToFiveAndBackToThreeOneMemberAtATime() {
    // given
    World world = World.ofSize(3);
    ScalingController controller = world.controller();

    // when
    ScaleResponse up = controller.request(ScaleRequest.manual(5));
    Progress grown = world.runToEnd(controller);
    ScaleResponse down = controller.request(ScaleRequest.manual(3));
    Progress shrunk = world.runToEnd(controller);

    // then
    assertThat(up).isInstanceOf(ScaleResponse.Accepted.class);
    assertThat(grown.operation().orElseThrow().outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(down).isInstanceOf(ScaleResponse.Accepted.class);
    assertThat(shrunk.operation().orElseThrow().outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.runtime.members()).extracting(m -> m.ordinal()).containsExactly(0, 1, 2);
    assertThat(world.runtime.hasData(3)).isFalse();
    assertThat(world.runtime.hasData(4)).isFalse();
    assertThat(world.runtime.published()).extracting(m -> m.ordinal()).containsExactly(0, 1, 2);
    assertThat(world.membership.maxConcurrentRemovals()).isEqualTo(1);
    assertThat(world.operations.load()).isEmpty();
    assertThat(world.history.ofKind(RecordKind.OPERATION))
        .extracting(HistoryRecord::from, HistoryRecord::to, HistoryRecord::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(3, 5, Outcome.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple(5, 3, Outcome.SUCCEEDED));
  }

  @Test
  void emitsStableEventReasonsForEveryStageAndTheOutcome() {
    // given
    World world = World.ofSize(3);
    ScalingController controller = world.controller();

    // when
    controller.request(ScaleRequest.manual(4));
    world.runToEnd(controller);

    // then
    assertThat(world.listener.codes())
        .containsExactly(
            "ScalingStarted",
            "StageCompleted", // PREFLIGHT
            "StageCompleted", // ANNOUNCE
            "StageCompleted", // START
            "StageCompleted", // READY
            "StageCompleted", // JOIN
            "StageCompleted", // VERIFY
            "StageCompleted", // PUBLISH
            "StepCompleted",
            "ScaledUp");
    assertThat(world.history.ofKind(RecordKind.STAGE))
        .extracting(HistoryRecord::stage)
        .containsExactly(
            Stage.PREFLIGHT,
            Stage.ANNOUNCE,
            Stage.START,
            Stage.READY,
            Stage.JOIN,
            Stage.VERIFY,
            Stage.PUBLISH);
    assertThat(world.lastOperation().orElseThrow().message())
        .isEqualTo("scaled up from 3 to 4 members");
  }

  @Test
  void walksEveryRemoveStageInOrder() {
    // given
    World world = World.ofSize(4);
    ScalingController controller = world.controller();

    // when
    controller.request(ScaleRequest.manual(3));
    world.runToEnd(controller);

    // then
    assertThat(world.history.ofKind(RecordKind.STAGE))
        .extracting(HistoryRecord::stage)
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
    assertThat(world.listener.codes()).last().isEqualTo("ScaledDown");
  }

  @Test
  void advancesAtMostOneStagePerTickAndJournalsTheStageBeforeActing() {
    // given
    World world = World.ofSize(3);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    controller.tick(); // PREFLIGHT
    controller.tick(); // ANNOUNCE, and the move to START with its first attempt counted
    Operation beforeActing = world.operations.load().orElseThrow();
    int savesBefore = world.operations.saves();

    // when START runs
    world.runtime.failNext(dev.ballast.core.testing.InMemoryReplicaRuntime.Call.START, 1);
    Progress progress = controller.tick();

    // then the journal held START with one attempt before the action ran
    assertThat(beforeActing.stage()).isEqualTo(Stage.START);
    assertThat(beforeActing.attempts()).isEqualTo(1);
    assertThat(beforeActing.launchSettings()).containsKey("dynamicConfig");
    // and holds the failure of that attempt after it
    Operation journal = world.operations.load().orElseThrow();
    assertThat(journal.stage()).isEqualTo(Stage.START);
    assertThat(journal.attempts()).isEqualTo(1);
    assertThat(journal.lastError()).contains("injected failure of START 3");
    assertThat(world.operations.saves()).isEqualTo(savesBefore + 1);
    assertThat(progress.advanced()).isFalse();
    assertThat(world.runtime.running()).doesNotContain(3);
  }

  @Test
  void startsTheNewMemberWithTheSettingsItWasAnnouncedWith() {
    // given
    World world = World.ofSize(3);
    ScalingController controller = world.controller();

    // when
    controller.request(ScaleRequest.manual(4));
    world.runToEnd(controller);

    // then
    assertThat(world.runtime.launchSettings(3).orElseThrow())
        .containsEntry("dynamicConfig", "server.0,server.1,server.2,server.3");
  }

  @Test
  void refusesASizeOutsideAllowedReplicasAndRecordsTheRefusal() {
    // given
    World world =
        World.ofSize(
            3, World.defaultPolicy().minReplicas(3).allowedReplicas(List.of(3, 5, 7)).build());
    ScalingController controller = world.controller();

    // when
    ScaleResponse response = controller.request(ScaleRequest.manual(4));

    // then
    assertThat(response).isInstanceOf(ScaleResponse.Refused.class);
    var refusal = ((ScaleResponse.Refused) response).refusal();
    assertThat(refusal.reason()).isEqualTo(RefusalReason.NOT_ALLOWED_SIZE);
    assertThat(refusal.message()).isEqualTo("4 is not an allowed size; allowed sizes are 3, 5, 7");
    assertThat(world.history.ofKind(RecordKind.REFUSAL))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
              assertThat(r.reasons()).containsExactly("NOT_ALLOWED_SIZE");
            });
    assertThat(world.listener.codes()).containsExactly("ScalingBlocked");
    assertThat(world.operations.load()).isEmpty();
  }

  @Test
  void refusesToShrinkWhenShrinkIsDisabled() {
    // given
    ScalingPolicy noShrink = World.defaultPolicy().shrink(ShrinkPolicy.DISABLED).build();
    World world = World.ofSize(5, noShrink);

    // when
    ScaleResponse response = world.controller().request(ScaleRequest.manual(3));

    // then
    assertThat(((ScaleResponse.Refused) response).refusal().reason())
        .isEqualTo(RefusalReason.SHRINK_DISABLED);
    assertThat(world.runtime.running()).hasSize(5);
  }

  @Test
  void refusesASecondOperationWhileOneIsInProgress() {
    // given
    World world = World.ofSize(3);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(5));
    controller.tick();

    // when
    ScaleResponse response = controller.request(ScaleRequest.manual(4));

    // then
    var refusal = ((ScaleResponse.Refused) response).refusal();
    assertThat(refusal.reason()).isEqualTo(RefusalReason.OPERATION_IN_PROGRESS);
    assertThat(refusal.message())
        .startsWith("another operation is in progress (op-")
        .contains("3 to 5 members, member 3 (add 1/2) at ANNOUNCE");
  }

  @Test
  void repeatingTheInFlightRequestReturnsTheSameOperation() {
    // given
    World world = World.ofSize(3);
    ScalingController controller = world.controller();
    Operation first =
        ((ScaleResponse.Accepted) controller.request(ScaleRequest.auto(5, List.of()))).operation();

    // when
    ScaleResponse again = controller.request(ScaleRequest.auto(5, List.of()));

    // then
    assertThat(((ScaleResponse.Accepted) again).operation().id()).isEqualTo(first.id());
  }

  @Test
  void answersUnchangedWhenTheClusterAlreadyHasTheSize() {
    World world = World.ofSize(3);
    ScaleResponse response = world.controller().request(ScaleRequest.manual(3));
    assertThat(response)
        .isEqualTo(new ScaleResponse.Unchanged(3, "the cluster already has 3 members"));
  }

  @Test
  void rollbackReturnsToTheSizeBeforeTheLastCompletedOperation() {
    // given
    World world = World.ofSize(3);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(5));
    world.runToEnd(controller);

    // when
    int target = controller.rollbackTarget().getAsInt();
    ScaleResponse response = controller.rollback();
    world.runToEnd(controller);

    // then
    assertThat(target).isEqualTo(3);
    assertThat(((ScaleResponse.Accepted) response).operation().trigger())
        .isEqualTo(Trigger.ROLLBACK);
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.lastOperation().orElseThrow().trigger()).isEqualTo(Trigger.ROLLBACK);
  }

  @Test
  void refusesARollbackWhenNothingHasCompleted() {
    World world = World.ofSize(3);
    ScaleResponse response = world.controller().rollback();
    assertThat(((ScaleResponse.Refused) response).refusal().reason())
        .isEqualTo(RefusalReason.NOTHING_TO_ROLL_BACK);
  }

  @Test
  void cancelsAPendingDrainWhenTheTargetGoesBackUp() {
    // given a removal waiting for its drain
    World world = World.ofSize(5);
    world.membership.drainPolls(100);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    controller.tick(); // PREFLIGHT
    controller.tick(); // DRAIN
    controller.tick(); // DRAINED: still moving
    assertThat(controller.inFlight().orElseThrow().stage()).isEqualTo(Stage.DRAINED);

    // when
    ScaleResponse response = controller.request(ScaleRequest.manual(5));
    Progress end = world.runToEnd(controller);

    // then
    assertThat(((ScaleResponse.Retargeted) response).message())
        .isEqualTo("cancelling the removal of member 4; the cluster will stay at 5 members");
    assertThat(end.operation().orElseThrow().outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(world.membership.count(FakeMembership.Call.CANCEL_DRAIN, 4)).isEqualTo(1);
    assertThat(world.membership.count(FakeMembership.Call.LEAVE, 4)).isZero();
    assertThat(world.membership.voting()).isEqualTo(Set.of(0, 1, 2, 3, 4));
    assertThat(world.runtime.running()).hasSize(5);
    assertThat(world.listener.codes()).last().isEqualTo("ScalingCancelled");
  }

  @Test
  void doesNotCancelARemovalOnceTheMemberHasLeft() {
    // given
    World world = World.ofSize(5);
    world.membership.drainPolls(0);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    for (int i = 0; i < 4; i++) { // PREFLIGHT, DRAIN, DRAINED, LEAVE
      controller.tick();
      world.clock.advance(java.time.Duration.ofSeconds(1));
    }
    assertThat(controller.inFlight().orElseThrow().stage()).isEqualTo(Stage.STOP);

    // when
    ScaleResponse response = controller.request(ScaleRequest.manual(5));

    // then
    assertThat(((ScaleResponse.Refused) response).refusal().reason())
        .isEqualTo(RefusalReason.OPERATION_IN_PROGRESS);
    assertThat(world.runToEnd(controller).operation().orElseThrow().outcome())
        .isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void stopsAShrinkEarlierWhenTheTargetRisesPartWay() {
    // given 7 -> 3 in progress, removing member 6
    World world = World.ofSize(7);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(3));
    controller.tick();

    // when
    ScaleResponse response = controller.request(ScaleRequest.manual(5));
    world.runToEnd(controller);

    // then
    assertThat(((ScaleResponse.Retargeted) response).operation().to()).isEqualTo(5);
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    assertThat(world.lastOperation().orElseThrow().to()).isEqualTo(5);
  }

  @Test
  void aResumedControllerContinuesTheJournaledOperation() {
    // given an operation that got as far as JOIN in a process that then went away
    World world = World.ofSize(3);
    ScalingController first = world.controller();
    first.request(ScaleRequest.manual(4));
    for (int i = 0; i < 4; i++) {
      first.tick();
    }

    // when
    ScalingController second = world.controller();
    Operation resumed = second.resume().orElseThrow();
    world.runToEnd(second);

    // then
    assertThat(resumed.stage()).isEqualTo(Stage.JOIN);
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(world.runtime.starts(3)).isEqualTo(1);
    assertThat(second.inFlight()).isEmpty();
  }

  @Test
  void recordsAnOperationThatEndedJustBeforeACrashBeforeStartingTheNext() {
    // given a journal that holds an ended operation, never recorded nor cleared
    World world = World.ofSize(3);
    world.operations.save(dev.ballast.core.testing.Journals.cancelled());

    // when a new process takes a request
    ScaleResponse response = world.controller().request(ScaleRequest.manual(4));

    // then
    assertThat(response).isInstanceOf(ScaleResponse.Accepted.class);
    assertThat(world.history.ofKind(RecordKind.OPERATION))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.operationId()).isEqualTo("op-3-5to3");
              assertThat(r.outcome()).isEqualTo(Outcome.CANCELLED);
            });
  }

  @Test
  void aFailingListenerDoesNotStopTheOperation() {
    // given
    World world = World.ofSize(3);
    ScalingController controller =
        new ScalingController(
            world.policy,
            world.runtime,
            world.membership,
            world.operations,
            world.history,
            world.clock,
            event -> {
              throw new IllegalStateException("events API down");
            });

    // when
    controller.request(ScaleRequest.manual(4));
    Progress end = world.runToEnd(controller);

    // then
    assertThat(end.operation().orElseThrow().outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(world.membership.voting()).hasSize(4);
  }

  @Test
  void cancelsARemovalBeforeItsDrainStarted() {
    // given a removal whose preflight has not run yet
    World world = World.ofSize(5);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(3));

    // when the target goes back up
    ScaleResponse response = controller.request(ScaleRequest.manual(5));
    Progress end = world.runToEnd(controller);

    // then
    assertThat(response).isInstanceOf(ScaleResponse.Retargeted.class);
    assertThat(end.operation().orElseThrow().outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(world.membership.count(FakeMembership.Call.DRAIN, 4)).isZero();
    assertThat(world.runtime.running()).hasSize(5);
  }

  @Test
  void refusesToCancelTowardsASizeThePolicyDoesNotAllow() {
    // given 7 -> 3 with odd sizes only, removing member 6
    World world =
        World.ofSize(
            7, World.defaultPolicy().minReplicas(3).allowedReplicas(List.of(3, 5, 7)).build());
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(3));

    // when
    ScaleResponse response = controller.request(ScaleRequest.manual(6));

    // then
    assertThat(((ScaleResponse.Refused) response).refusal().reason())
        .isEqualTo(RefusalReason.NOT_ALLOWED_SIZE);
    assertThat(controller.inFlight().orElseThrow().to()).isEqualTo(3);
  }

  @Test
  void releasesAMemberReservedByAnAddWhoseJournalWasLostSoThatLaterScalesGoOn() {
    // given: member 3 was prepared and started by an add whose journal is gone
    World world = World.ofSize(3);
    world.runtime.start(world.runtime.prepare(3), java.util.Map.of());
    ScalingController controller = world.controller();
    assertThat(controller.inFlight()).isEmpty();

    // when
    java.util.Optional<Operation> release = controller.releaseUnjoined();
    Progress end = world.runToEnd(controller);

    // then: member 3 is stopped and released; the voters are untouched
    assertThat(release).isPresent();
    assertThat(release.get().trigger()).isEqualTo(Trigger.ROLLBACK);
    assertThat(end.operation().orElseThrow().outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(world.runtime.members()).extracting(m -> m.ordinal()).containsExactly(0, 1, 2);
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2);

    // when: a later scale
    controller.request(ScaleRequest.manual(5));
    Progress grown = world.runToEnd(controller);

    // then
    assertThat(grown.operation().orElseThrow().outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  @Test
  void releasesNothingWhenEveryReservedMemberVotesOrTheClusterCannotTell() {
    // given a healthy cluster, then one whose member 1 is down
    World healthy = World.ofSize(3);
    World degraded = World.ofSize(3);
    degraded.runtime.start(degraded.runtime.prepare(3), java.util.Map.of());
    degraded.runtime.kill(1);

    // when / then
    assertThat(healthy.controller().releaseUnjoined()).isEmpty();
    assertThat(degraded.controller().releaseUnjoined()).isEmpty();
    assertThat(degraded.runtime.members()).hasSize(4);
  }
}
