package dev.ballast.core.testing;

import dev.ballast.core.port.HistoryStore;

class InMemoryHistoryStoreTest extends HistoryStoreContract {
  @Override
  protected HistoryStore newStore() {
    return new InMemoryHistoryStore();
  }
}
