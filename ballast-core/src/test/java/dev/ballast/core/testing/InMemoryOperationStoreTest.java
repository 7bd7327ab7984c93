package dev.ballast.core.testing;

import dev.ballast.core.port.OperationStore;

class InMemoryOperationStoreTest extends OperationStoreContract {
  @Override
  protected OperationStore newStore() {
    return new InMemoryOperationStore();
  }
}
