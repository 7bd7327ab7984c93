package dev.ballast.core.port;

import dev.ballast.core.history.HistoryRecord;
import java.util.List;

/**
 * The scaling history of a cluster, oldest first. A store may keep only the most recent records (a
 * bounded CR status); it never reorders them.
 */
public interface HistoryStore {

  /** Adds a record after every existing one; durable when it returns. */
  void append(HistoryRecord record);

  /** Every kept record, oldest first. */
  List<HistoryRecord> list();

  /** The last {@code limit} records, oldest first. */
  default List<HistoryRecord> recent(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    }
    List<HistoryRecord> all = list();
    return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
  }
}
