package dev.ballast.core.testing;

import dev.ballast.core.execute.Operation;
import dev.ballast.core.port.OperationStore;
import java.util.Optional;

/** An {@link OperationStore} in memory, counting saves so tests can see when the journal moved. */
public final class InMemoryOperationStore implements OperationStore {
  private Operation saved;
  private int saves;

  @Override
  public synchronized Optional<Operation> load() {
    return Optional.ofNullable(saved);
  }

  @Override
  public synchronized void save(Operation operation) {
    saved = java.util.Objects.requireNonNull(operation, "operation");
    saves++;
  }

  @Override
  public synchronized void clear() {
    saved = null;
  }

  /** How many times {@link #save} was called. */
  public synchronized int saves() {
    return saves;
  }
}
