package dev.ballast.core.port;

import dev.ballast.core.execute.Operation;
import java.util.Optional;

/**
 * Keeps the journal of the one in-flight operation of a cluster, so that a restarted process
 * resumes it where it stopped. {@link #save} must be durable when it returns (an atomically
 * replaced, fsync'd file; a status patch the API server acknowledged).
 */
public interface OperationStore {

  /** The saved operation, if any. */
  Optional<Operation> load();

  /** Replaces the saved operation with {@code operation}. */
  void save(Operation operation);

  /** Forgets the saved operation; does nothing when none is saved. */
  void clear();
}
