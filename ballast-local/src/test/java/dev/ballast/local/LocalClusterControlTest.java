package dev.ballast.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.plan.Stage;
import dev.ballast.core.plan.Step;
import org.junit.jupiter.api.Test;

class LocalClusterControlTest {

  @Test
  void anAddedMemberRunsOnlyOnceItsStartWasDone() {
    Step add = Step.add(3);

    assertThat(LocalClusterControl.shouldRun(add, Stage.ANNOUNCE)).isFalse();
    assertThat(LocalClusterControl.shouldRun(add, Stage.START)).isFalse();
    assertThat(LocalClusterControl.shouldRun(add, Stage.READY)).isTrue();
    assertThat(LocalClusterControl.shouldRun(add, Stage.PUBLISH)).isTrue();
  }

  @Test
  void aLeavingMemberRunsUntilItsLeaveAndNeverAfter() {
    Step remove = Step.remove(3);
    Step undo = Step.undoAdd(3);

    assertThat(LocalClusterControl.shouldRun(remove, Stage.DRAINED)).isTrue();
    assertThat(LocalClusterControl.shouldRun(remove, Stage.LEAVE)).isTrue();
    assertThat(LocalClusterControl.shouldRun(remove, Stage.STOP)).isFalse();
    assertThat(LocalClusterControl.shouldRun(remove, Stage.CLEANUP)).isFalse();
    assertThat(LocalClusterControl.shouldRun(remove, Stage.CANCEL_DRAIN)).isTrue();
    assertThat(LocalClusterControl.shouldRun(undo, Stage.LEAVE)).isTrue();
    assertThat(LocalClusterControl.shouldRun(undo, Stage.GONE)).isFalse();
  }
}
