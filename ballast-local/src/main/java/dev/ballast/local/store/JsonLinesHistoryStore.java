package dev.ballast.local.store;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.port.HistoryStore;
import java.nio.file.Path;
import java.util.List;

/**
 * The scaling history of a local cluster: one JSON record per line ({@code history.jsonl} in the
 * state directory), appended and fsync'd. A last line cut short by a crash during an append is
 * skipped with a warning; the records before it are intact.
 */
public final class JsonLinesHistoryStore implements HistoryStore {
  private final JsonLines<HistoryRecord> lines;

  public JsonLinesHistoryStore(Path file) {
    this.lines = new JsonLines<>(file, HistoryRecord.class, r -> {});
  }

  @Override
  public synchronized void append(HistoryRecord record) {
    lines.append(record);
  }

  @Override
  public synchronized List<HistoryRecord> list() {
    return lines.read().values();
  }

  public Path file() {
    return lines.file();
  }
}
