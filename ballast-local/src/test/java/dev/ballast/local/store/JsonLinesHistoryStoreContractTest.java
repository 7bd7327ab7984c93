package dev.ballast.local.store;

import dev.ballast.core.port.HistoryStore;
import dev.ballast.core.testing.HistoryStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The core's history store contract, on a JSON-lines file reopened as a new process would. */
class JsonLinesHistoryStoreContractTest extends HistoryStoreContract {
  @TempDir Path dir;

  @Override
  protected HistoryStore newStore() {
    return new JsonLinesHistoryStore(dir.resolve("history.jsonl"));
  }

  @Override
  protected HistoryStore reopen(HistoryStore store) {
    return new JsonLinesHistoryStore(((JsonLinesHistoryStore) store).file());
  }
}
