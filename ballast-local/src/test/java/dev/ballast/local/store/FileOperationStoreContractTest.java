package dev.ballast.local.store;

import dev.ballast.core.port.OperationStore;
import dev.ballast.core.testing.OperationStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The core's operation store contract, on a journal file reopened as a new process would. */
class FileOperationStoreContractTest extends OperationStoreContract {
  @TempDir Path dir;

  @Override
  protected OperationStore newStore() {
    return new FileOperationStore(dir.resolve("operation.json"));
  }

  @Override
  protected OperationStore reopen(OperationStore store) {
    return new FileOperationStore(((FileOperationStore) store).file());
  }
}
