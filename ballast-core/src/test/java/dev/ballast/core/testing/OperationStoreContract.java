package dev.ballast.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.execute.Operation;
import dev.ballast.core.port.OperationStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link OperationStore} adapter must have: it keeps one journal, returns it
 * field for field (nanosecond instants, maps, nulls, non-ASCII text), replaces it on save, forgets
 * it on clear, and a store reopened on the same backing (a new process) reads what was saved.
 * Extend it and implement {@link #newStore()}; override {@link #reopen} for durable stores.
 */
public abstract class OperationStoreContract {

  private OperationStore store;

  /** An empty store on fresh backing storage. */
  protected abstract OperationStore newStore() throws Exception;

  /** A new store instance on the same backing storage as {@code store}, as a restart makes. */
  protected OperationStore reopen(OperationStore store) throws Exception {
    return store;
  }

  @BeforeEach
  final void createStore() throws Exception {
    store = newStore();
  }

  @Test
  void anEmptyStoreLoadsNothing() {
    assertThat(store.load()).isEmpty();
  }

  @Test
  void loadsAFreshOperationAsSaved() {
    // given
    Operation op = Journals.fresh();

    // when
    store.save(op);

    // then
    assertThat(store.load()).contains(op);
  }

  @Test
  void keepsEveryFieldOfAnOperationAcrossAReopen() throws Exception {
    // given
    Operation op = Journals.rollingBack();

    // when
    store.save(op);
    OperationStore reopened = reopen(store);

    // then
    assertThat(reopened.load()).contains(op);
  }

  @Test
  void keepsAFinishedOperationAcrossAReopen() throws Exception {
    // given
    Operation op = Journals.cancelled();

    // when
    store.save(op);

    // then
    assertThat(reopen(store).load()).contains(op);
  }

  @Test
  void aSaveReplacesTheSavedOperation() throws Exception {
    // given
    store.save(Journals.fresh());

    // when
    store.save(Journals.rollingBack());

    // then
    assertThat(reopen(store).load()).contains(Journals.rollingBack());
  }

  @Test
  void clearForgetsTheOperationAndClearingAgainIsHarmless() throws Exception {
    // given
    store.save(Journals.fresh());

    // when
    store.clear();
    store.clear();

    // then
    assertThat(store.load()).isEmpty();
    assertThat(reopen(store).load()).isEmpty();
  }

  @Test
  void savesAgainAfterAClear() {
    // given
    store.save(Journals.fresh());
    store.clear();

    // when
    store.save(Journals.cancelled());

    // then
    assertThat(store.load()).contains(Journals.cancelled());
  }
}
