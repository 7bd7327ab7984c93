package dev.ballast.core.execute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.core.policy.StageTimeouts;
import dev.ballast.core.testing.FakeMembership.Call;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperationExecutorTest {

  private static Operation run(World world, int to) {
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(to));
    return world.runToEnd(controller).operation().orElseThrow();
  }

  @Test
  void rollsBackARefusedJoinAndLeavesTheClusterHealthyAtTheOldSize() {
    // given
    World world = World.ofSize(3);
    world.membership.refuse(Call.JOIN);

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(end.message())
        .startsWith("adding member 3 failed at JOIN: JOIN failed after 3 attempt(s): refused")
        .endsWith("; rolled back to 3 members");
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.runtime.members()).extracting(m -> m.ordinal()).containsExactly(0, 1, 2);
    assertThat(world.runtime.hasData(3)).isFalse();
    assertThat(world.runtime.hasRetainedData(3)).isFalse();
    assertThat(world.membership.count(Call.JOIN, 3)).isEqualTo(3);
    assertThat(world.listener.codes()).contains("StepFailed").last().isEqualTo("RolledBack");
  }

  @Test
  void rollsBackAMemberThatDiesDuringJoin() {
    // given
    World world = World.ofSize(3);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    world.tickUntil(controller, Stage.JOIN);

    // when the new member's process dies before it joins
    world.runtime.kill(3);
    Operation end = world.runToEnd(controller).operation().orElseThrow();

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(end.message()).contains("member 3 is not running");
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.runtime.members()).hasSize(3);
  }

  @Test
  void rollsBackTheWholeOperationWhenALaterAddNeverGetsReady() {
    // given
    World world = World.ofSize(3);
    world.runtime.neverStarts(4);

    // when
    Operation end = run(world, 5);

    // then the half-added member 4 is undone and the completed member 3 removed safely
    assertThat(end.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(end.message())
        .contains("adding member 4 failed at READY: READY did not complete within PT2M")
        .endsWith("rolled back to 3 members");
    assertThat(end.steps())
        .extracting(s -> s.kind() + " " + s.ordinal())
        .containsExactly("ADD 3", "ADD 4", "UNDO_ADD 4", "REMOVE 3");
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.lastOperation().orElseThrow().outcome()).isEqualTo(Outcome.ROLLED_BACK);
  }

  @Test
  void keepsTheCompletedAddsWhenShrinkIsDisabled() {
    // given
    World world = World.ofSize(3, World.defaultPolicy().shrink(ShrinkPolicy.DISABLED).build());
    world.runtime.neverStarts(4);

    // when
    Operation end = run(world, 5);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(end.message()).endsWith("rolled back to 4 members");
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void aPollingStageWaitsUntilItsTimeoutAndNotLonger() {
    // given READY may take 30 seconds and the member never gets ready
    World world =
        World.ofSize(
            3,
            World.defaultPolicy()
                .timeouts(
                    StageTimeouts.uniform(Duration.ofMinutes(2))
                        .with(Stage.READY, Duration.ofSeconds(30)))
                .build());
    world.membership.hang(Call.IS_READY);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    world.tickUntil(controller, Stage.READY);
    Duration waited = Duration.ZERO;

    // when
    while (waited.compareTo(Duration.ofSeconds(29)) < 0) {
      Progress p = controller.tick();
      assertThat(p.advanced()).as("still waiting after %s", waited).isFalse();
      assertThat(p.nextTick()).isEqualTo(OperationExecutor.POLL_INTERVAL);
      world.clock.advance(Duration.ofSeconds(1));
      waited = waited.plusSeconds(1);
    }
    world.clock.advance(Duration.ofSeconds(1));
    Progress timedOut = controller.tick();

    // then
    assertThat(timedOut.advanced()).isTrue();
    assertThat(timedOut.operation().orElseThrow().phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(timedOut.operation().orElseThrow().failure())
        .isEqualTo(
            "adding member 3 failed at READY: READY did not complete within PT30S: member 3 is"
                + " running but not ready yet");
  }

  @Test
  void retriesAFailingActionAfterTheBackoffAndSucceeds() {
    // given
    World world = World.ofSize(3);
    world.membership.failNext(Call.JOIN, 2);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    world.tickUntil(controller, Stage.JOIN);

    // when the first attempt fails
    controller.tick();
    // then a tick before the backoff has passed does not call the application again
    Progress early = controller.tick();
    assertThat(early.nextTick()).isEqualTo(Duration.ofSeconds(1));
    assertThat(world.membership.count(Call.JOIN, 3)).isEqualTo(1);

    // and the third attempt succeeds
    Operation end = world.runToEnd(controller).operation().orElseThrow();
    assertThat(end.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(world.membership.count(Call.JOIN, 3)).isEqualTo(3);
    assertThat(world.history.ofKind(RecordKind.STAGE))
        .filteredOn(r -> r.outcome() == Outcome.RETRYING)
        .extracting(HistoryRecord::message)
        .containsExactly(
            "attempt 1/3 failed: injected failure: JOIN for member 3",
            "attempt 2/3 failed: injected failure: JOIN for member 3");
  }

  @Test
  void neverStopsAMemberThatIsStillAVotingMember() {
    // given leave is accepted but does not take effect
    World world = World.ofSize(5);
    world.membership.hang(Call.LEAVE);

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(end.message())
        .startsWith(
            "removing member 4 failed at STOP: STOP failed after 3 attempt(s): member 4 is still"
                + " a voting member after leaving (voting members [0, 1, 2, 3, 4]); not stopping it")
        .contains("member 4 was not stopped");
    assertThat(world.runtime.running()).contains(4);
    assertThat(world.runtime.calls()).doesNotContain("STOP 4");
    assertThat(world.listener.codes()).last().isEqualTo("ScalingFailed");
  }

  @Test
  void neverStopsAMemberWhenTheRemainingMembersDisagree() {
    // given
    World world = World.ofSize(5);
    world.membership.drainPolls(0);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    world.tickUntil(controller, Stage.STOP);

    // when
    world.membership.disagree();
    Operation end = world.runToEnd(controller).operation().orElseThrow();

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(end.message()).contains("cannot prove member 4 left");
    assertThat(world.runtime.running()).contains(4);
  }

  @Test
  void cancelsTheDrainWhenItTimesOutAndKeepsTheMember() {
    // given
    World world =
        World.ofSize(5, World.defaultPolicy().drainTimeout(Duration.ofMinutes(1)).build());
    world.membership.hang(Call.DRAIN_PROGRESS);

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(end.message())
        .isEqualTo(
            "removing member 4 failed at DRAINED: DRAINED did not"
                + " complete within PT1M: draining member 4: 50% (stuck); its drain was"
                + " cancelled; the cluster stays at 5 members");
    assertThat(world.membership.count(Call.CANCEL_DRAIN, 4)).isEqualTo(1);
    assertThat(world.membership.count(Call.LEAVE, 4)).isZero();
    assertThat(world.membership.voting()).hasSize(5);
    assertThat(world.runtime.running()).hasSize(5);
  }

  @Test
  void blocksWithoutChangingAnythingWhenTheClusterIsUnhealthy() {
    // given
    World world = World.ofSize(3);
    world.runtime.kill(1);

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.BLOCKED);
    assertThat(end.message())
        .startsWith("preflight for adding member 3 failed: PREFLIGHT failed after 3 attempt(s):")
        .contains("member 1: not running")
        .endsWith("nothing was changed, the cluster stays at 3 members");
    assertThat(world.runtime.members()).hasSize(3);
    assertThat(world.listener.codes()).last().isEqualTo("ScalingBlocked");
  }

  @Test
  void aRollbackNeverRemovesAMemberBelowTheMajority() {
    // given a one-member cluster growing to three, whose second add fails
    World world = World.ofSize(1);
    world.runtime.neverStarts(2);

    // when
    Operation end = run(world, 3);

    // then member 2 is undone, but member 1 is not removed from a two-member ensemble
    assertThat(end.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(end.message()).contains("fewer than a majority of 2");
    assertThat(world.membership.voting()).isEqualTo(Set.of(0, 1));
    assertThat(world.runtime.running()).isEqualTo(Set.of(0, 1));
  }

  @Test
  void undoesAnAddWhoseAnnounceWasRefused() {
    // given
    World world = World.ofSize(3);
    world.membership.refuse(Call.ANNOUNCE);

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(world.runtime.members()).hasSize(3);
    assertThat(world.runtime.starts(3)).isZero();
  }

  @Test
  void retainsARemovedMembersDataWhenThePolicySaysRetain() {
    // given
    World world =
        World.ofSize(
            4, World.defaultPolicy().dataPolicy(dev.ballast.core.port.DataPolicy.RETAIN).build());

    // when
    run(world, 3);

    // then
    assertThat(world.runtime.hasData(3)).isFalse();
    assertThat(world.runtime.hasRetainedData(3)).isTrue();
    assertThat(world.runtime.members()).hasSize(3);
  }

  @Test
  void holdsTheLeaveWhileARemainingVoterIsDownAndFinishesOnceItIsBack() {
    // given 5 members shrinking to 3, member 4 drained and about to leave
    World world = World.ofSize(5);
    world.membership.drainPolls(0);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(3));
    world.tickUntil(controller, Stage.LEAVE);

    // when a remaining voter dies before member 4 leaves
    world.runtime.kill(1);
    for (int i = 0; i < 30; i++) {
      controller.tick();
      world.clock.advance(Duration.ofSeconds(1));
    }

    // then member 4 is neither removed nor stopped, and the hold names member 1
    Operation held = controller.inFlight().orElseThrow();
    assertThat(held.stage()).isEqualTo(Stage.LEAVE);
    assertThat(held.currentStep().ordinal()).isEqualTo(4);
    assertThat(held.lastError())
        .contains("member 1")
        .contains("not running")
        .contains("every remaining voting member answers and is in sync");
    assertThat(world.membership.count(Call.LEAVE, 4)).isZero();
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    assertThat(world.runtime.running()).contains(4);
    assertThat(world.listener.codes()).contains("RemovalHeld");

    // when member 1 comes back, the operation finishes by itself
    world.runtime.start(world.runtime.member(1).orElseThrow(), java.util.Map.of());
    Operation end = world.runToEnd(controller).operation().orElseThrow();

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void cancelsTheDrainWhenARemainingVoterStaysDownPastTheLeaveTimeout() {
    // given
    World world =
        World.ofSize(
            5,
            World.defaultPolicy()
                .timeouts(
                    StageTimeouts.uniform(Duration.ofMinutes(5))
                        .with(Stage.LEAVE, Duration.ofMinutes(1)))
                .build());
    world.membership.drainPolls(0);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(3));
    world.tickUntil(controller, Stage.LEAVE);

    // when
    world.runtime.kill(1);
    Operation end = world.runToEnd(controller).operation().orElseThrow();

    // then the removal is given up, the drain undone, and the ensemble keeps its 5 voters
    assertThat(end.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(end.message())
        .startsWith("removing member 4 failed at LEAVE: LEAVE was held for PT1M:")
        .contains("member 1")
        .endsWith("its drain was cancelled; the cluster stays at 5 members");
    assertThat(world.membership.count(Call.CANCEL_DRAIN, 4)).isEqualTo(1);
    assertThat(world.membership.count(Call.LEAVE, 4)).isZero();
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 2, 3, 4);
  }

  @Test
  void holdsTheLeaveWhileARemainingVoterIsNotInSync() {
    // given
    World world = World.ofSize(5);
    world.membership.drainPolls(0);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    world.tickUntil(controller, Stage.LEAVE);

    // when member 2 falls behind
    world.membership.lag(2);
    for (int i = 0; i < 10; i++) {
      controller.tick();
      world.clock.advance(Duration.ofSeconds(1));
    }

    // then
    assertThat(controller.inFlight().orElseThrow().lastError()).contains("member 2 is behind");
    assertThat(world.membership.count(Call.LEAVE, 4)).isZero();

    // when it catches up
    world.membership.heal();
    Operation end = world.runToEnd(controller).operation().orElseThrow();

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void holdsTheStopWhileARemainingVoterIsDownAndStopsOnceItIsBack() {
    // given member 4 has left the voting membership
    World world = World.ofSize(5);
    world.membership.drainPolls(0);
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(4));
    world.tickUntil(controller, Stage.STOP);

    // when a remaining voter dies before member 4 is stopped, for longer than STOP's timeout
    world.runtime.kill(3);
    for (int i = 0; i < 400; i++) {
      controller.tick();
      world.clock.advance(Duration.ofSeconds(1));
    }

    // then member 4 keeps running and the operation stays in flight, held
    Operation held = controller.inFlight().orElseThrow();
    assertThat(held.stage()).isEqualTo(Stage.STOP);
    assertThat(held.lastError()).contains("member 3");
    assertThat(world.runtime.running()).contains(4);
    assertThat(world.runtime.calls()).doesNotContain("STOP 4");

    // when member 3 comes back
    world.runtime.start(world.runtime.member(3).orElseThrow(), java.util.Map.of());
    Operation end = world.runToEnd(controller).operation().orElseThrow();

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2, 3);
  }
}
