package dev.ballast.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.testing.InMemoryOperationStore;
import dev.ballast.core.testing.Journals;
import org.junit.jupiter.api.Test;

class HaltingOperationStoreTest {
  private final InMemoryOperationStore delegate = new InMemoryOperationStore();

  @Test
  void matchesTheArmedStepAndStageInTheForwardPhase() {
    // given: Journals.fresh() is at step 0, PREFLIGHT, going forward
    HaltingOperationStore store = new HaltingOperationStore(delegate, "0:preflight");

    // then
    assertThat(store.matches(Journals.fresh())).isTrue();
    assertThat(new HaltingOperationStore(delegate, "1:PREFLIGHT").matches(Journals.fresh()))
        .isFalse();
    assertThat(new HaltingOperationStore(delegate, "0:JOIN").matches(Journals.fresh())).isFalse();
  }

  @Test
  void matchesARollbackOnlyWhenItsPhaseIsNamed() {
    // given: Journals.rollingBack() is at step 2, STOP, rolling back
    assertThat(new HaltingOperationStore(delegate, "2:STOP").matches(Journals.rollingBack()))
        .isFalse();
    assertThat(
            new HaltingOperationStore(delegate, "2:STOP:ROLLING_BACK")
                .matches(Journals.rollingBack()))
        .isTrue();
  }

  @Test
  void endMatchesOnlyAnEndedOperation() {
    HaltingOperationStore store = new HaltingOperationStore(delegate, "end");

    assertThat(store.matches(Journals.cancelled())).isTrue();
    assertThat(store.matches(Journals.fresh())).isFalse();
  }

  @Test
  void isNotArmedWithoutTheProperty() {
    // given
    System.clearProperty(HaltingOperationStore.PROPERTY);

    // then
    assertThat(HaltingOperationStore.wrapIfArmed(delegate)).isSameAs(delegate);
  }
}
