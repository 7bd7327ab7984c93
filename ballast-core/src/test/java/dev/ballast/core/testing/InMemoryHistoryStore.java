package dev.ballast.core.testing;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.port.HistoryStore;
import java.util.ArrayList;
import java.util.List;

/** A {@link HistoryStore} in memory, unbounded. */
public final class InMemoryHistoryStore implements HistoryStore {
  private final List<HistoryRecord> records = new ArrayList<>();

  @Override
  public synchronized void append(HistoryRecord record) {
    records.add(java.util.Objects.requireNonNull(record, "record"));
  }

  @Override
  public synchronized List<HistoryRecord> list() {
    return List.copyOf(records);
  }

  /** The records of one kind, oldest first. */
  public synchronized List<HistoryRecord> ofKind(RecordKind kind) {
    return records.stream().filter(r -> r.kind() == kind).toList();
  }
}
