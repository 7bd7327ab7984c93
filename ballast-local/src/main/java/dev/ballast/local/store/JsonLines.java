package dev.ballast.local.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.StoreJson;
import dev.ballast.local.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file of one JSON value per line, as the local stores keep them: appended and fsync'd, read back
 * skipping (with a warning naming the file and line) a line that cannot be read, such as one cut
 * short by a crash during an append, and rewritten atomically.
 */
final class JsonLines<T> {
  private static final Logger LOG = LoggerFactory.getLogger(JsonLines.class);
  private static final ObjectMapper JSON = StoreJson.mapper();

  /** What a read found: the values in file order, and whether any line was skipped. */
  record Read<T>(List<T> values, boolean skipped) {}

  private final Path file;
  private final Class<T> type;
  private final Consumer<T> validate;

  /**
   * @param validate throws {@link IllegalArgumentException} for a value that parsed but must not be
   *     used; the line is then skipped like an unreadable one
   */
  JsonLines(Path file, Class<T> type, Consumer<T> validate) {
    this.file = file;
    this.type = type;
    this.validate = validate;
  }

  Path file() {
    return file;
  }

  void append(T value) {
    try {
      AtomicFiles.appendLine(file, JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  Read<T> read() {
    if (!Files.exists(file)) {
      return new Read<>(List.of(), false);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<T> values = new ArrayList<>(lines.size());
    boolean skipped = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        skipped = true;
        continue;
      }
      try {
        T value = JSON.readValue(line, type);
        validate.accept(value);
        values.add(value);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        String why =
            e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        LOG.warn("file={} line={} action=skip reason=\"{}\"", file, i + 1, why);
        skipped = true;
      }
    }
    return new Read<>(List.copyOf(values), skipped);
  }

  void rewrite(List<T> values) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (T value : values) {
        out.write(JSON.writeValueAsBytes(value));
        out.write('\n');
      }
      AtomicFiles.write(file, out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + file, e);
    }
  }
}
