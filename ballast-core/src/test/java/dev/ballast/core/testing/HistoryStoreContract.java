package dev.ballast.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.port.HistoryStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link HistoryStore} adapter must have: records come back oldest first, field
 * for field, {@code recent} gives the last ones, and a store reopened on the same backing keeps
 * them and appends after them. Extend it and implement {@link #newStore()}; override {@link
 * #reopen} for durable stores. A bounded store must keep at least 10 records.
 */
public abstract class HistoryStoreContract {

  private HistoryStore store;

  /** An empty store on fresh backing storage. */
  protected abstract HistoryStore newStore() throws Exception;

  /** A new store instance on the same backing storage as {@code store}, as a restart makes. */
  protected HistoryStore reopen(HistoryStore store) throws Exception {
    return store;
  }

  @BeforeEach
  final void createStore() throws Exception {
    store = newStore();
  }

  @Test
  void anEmptyStoreListsNothing() {
    assertThat(store.list()).isEmpty();
    assertThat(store.recent(5)).isEmpty();
  }

  @Test
  void listsRecordsOldestFirstWithEveryField() throws Exception {
    // when
    Journals.records().forEach(store::append);

    // then
    assertThat(store.list()).containsExactlyElementsOf(Journals.records());
    assertThat(reopen(store).list()).containsExactlyElementsOf(Journals.records());
  }

  @Test
  void recentGivesTheLastRecordsOldestFirst() {
    // given
    for (int i = 0; i < 6; i++) {
      store.append(Journals.at(i));
    }

    // when
    var recent = store.recent(3);

    // then
    assertThat(recent).containsExactly(Journals.at(3), Journals.at(4), Journals.at(5));
    assertThat(store.recent(0)).isEmpty();
    assertThat(store.recent(100)).hasSize(6);
  }

  @Test
  void appendsAfterTheRecordsOfAReopenedStore() throws Exception {
    // given
    store.append(Journals.at(1));
    HistoryStore reopened = reopen(store);

    // when
    reopened.append(Journals.at(2));

    // then
    assertThat(reopened.list()).containsExactly(Journals.at(1), Journals.at(2));
  }

  @Test
  void theListIsASnapshotNotAView() {
    // given
    store.append(Journals.at(1));
    var before = store.list();

    // when
    store.append(Journals.at(2));

    // then
    assertThat(before).containsExactly(Journals.at(1));
  }

  @Test
  void keepsRecordsEqualButDistinct() {
    // given two identical records (the same thing happened twice in one instant)
    HistoryRecord r = Journals.at(1);

    // when
    store.append(r);
    store.append(r);

    // then
    assertThat(store.list()).containsExactly(r, r);
  }
}
