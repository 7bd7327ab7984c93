package dev.ballast.local.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.port.HistoryStore;
import dev.ballast.local.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scaling history of a local cluster: one JSON record per line ({@code history.jsonl} in the
 * state directory), appended and fsync'd. A last line cut short by a crash during an append is
 * skipped with a warning; the records before it are intact.
 */
public final class JsonLinesHistoryStore implements HistoryStore {
  private static final Logger LOG = LoggerFactory.getLogger(JsonLinesHistoryStore.class);
  private static final ObjectMapper JSON = StoreJson.mapper();

  private final Path file;

  public JsonLinesHistoryStore(Path file) {
    this.file = file;
  }

  @Override
  public synchronized void append(HistoryRecord record) {
    try {
      AtomicFiles.appendLine(file, JSON.writeValueAsBytes(record));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the history " + file, e);
    }
  }

  @Override
  public synchronized List<HistoryRecord> list() {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the history " + file, e);
    }
    List<HistoryRecord> records = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        records.add(JSON.readValue(line, HistoryRecord.class));
      } catch (JsonProcessingException e) {
        LOG.warn(
            "history={} line={} action=skip reason=\"{}\"", file, i + 1, e.getOriginalMessage());
      }
    }
    return List.copyOf(records);
  }

  public Path file() {
    return file;
  }
}
