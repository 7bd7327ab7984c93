package dev.ballast.core.execute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.testing.FakeMembership.Call;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Registries that only let a stopped member go (a chunk server unregistered from the meta leader
 * once reported expired, RabbitMQ's forget): the member is stopped after its drain, forgotten at
 * CLEANUP, and the adapter's report of each action lands in the stage's history record.
 */
class OperationExecutorForgetTest {

  private static Operation run(World world, int to) {
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(to));
    return world.runToEnd(controller).operation().orElseThrow();
  }

  @Test
  void forgetsARemovedMemberOnlyOnceItsProcessIsGone() {
    // given a registry that keeps listing a member until it is stopped and forgotten
    World world = World.ofSize(3);
    world.membership.forgettingAfterStop();

    // when
    Operation end = run(world, 2);

    // then the member was stopped, then forgotten, and the registry lists the two others
    assertThat(end.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(world.membership.forgotWhileRunning()).isEmpty();
    assertThat(world.membership.count(Call.FORGET, 2)).isPositive();
    assertThat(world.membership.voting()).containsExactlyInAnyOrder(0, 1);
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void recordsWhatTheAdapterReportsOfAnActionInTheStageRecord() {
    // given
    World world = World.ofSize(3);
    world.membership.forgettingAfterStop();

    // when
    run(world, 2);

    // then the CLEANUP record carries the adapter's report
    List<HistoryRecord> cleanup =
        world.history.ofKind(RecordKind.STAGE).stream()
            .filter(r -> r.stage() == Stage.CLEANUP)
            .toList();
    assertThat(cleanup)
        .singleElement()
        .satisfies(r -> assertThat(r.message()).contains("forgot member 2"));
  }

  @Test
  void aSystemThatDoesNotForgetStillRefusesToStopAMemberThatVotes() {
    // given a membership whose leave is accepted but never takes effect
    World world = World.ofSize(3);
    world.membership.hang(Call.LEAVE);

    // when
    Operation end = run(world, 2);

    // then the member is not stopped and never forgotten
    assertThat(end.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(world.runtime.running()).contains(2);
    assertThat(world.membership.count(Call.FORGET, 2)).isZero();
  }
}
