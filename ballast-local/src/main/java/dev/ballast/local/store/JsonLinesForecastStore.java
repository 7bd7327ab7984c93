package dev.ballast.local.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.core.port.ForecastStore;
import dev.ballast.core.predict.LoadSample;
import dev.ballast.local.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forecaster's load observations of a local cluster: one JSON object per line ({@code
 * {"time":"...","load":123.4}}) in {@code forecast.jsonl} in the state directory, appended. {@link
 * #keepFrom} rewrites the file atomically without the forgotten lines; a line that cannot be read
 * (cut short by a crash, edited by hand) is skipped with a warning and dropped then. A {@link
 * #readOnly} store reads the same file and never changes it.
 */
public final class JsonLinesForecastStore implements ForecastStore {
  private static final Logger LOG = LoggerFactory.getLogger(JsonLinesForecastStore.class);
  private static final ObjectMapper JSON = StoreJson.mapper();

  private final Path file;
  private final boolean readOnly;

  private JsonLinesForecastStore(Path file, boolean readOnly) {
    this.file = file;
    this.readOnly = readOnly;
  }

  /** The store of {@code file}, created on the first append. */
  public static JsonLinesForecastStore of(Path file) {
    return new JsonLinesForecastStore(file, false);
  }

  /** Reads {@code file} and ignores appends: for commands that only look. */
  public static JsonLinesForecastStore readOnly(Path file) {
    return new JsonLinesForecastStore(file, true);
  }

  @Override
  public synchronized void append(LoadSample sample) {
    if (readOnly) {
      return;
    }
    try {
      AtomicFiles.appendLine(file, JSON.writeValueAsBytes(sample));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  @Override
  public synchronized List<LoadSample> keepFrom(Instant from) {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<LoadSample> kept = new ArrayList<>(lines.size());
    boolean dropped = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      LoadSample sample = parse(line, i + 1);
      if (sample == null || sample.time().isBefore(from)) {
        dropped = true;
      } else {
        kept.add(sample);
      }
    }
    if (dropped && !readOnly) {
      rewrite(kept);
    }
    return List.copyOf(kept);
  }

  private LoadSample parse(String line, int number) {
    if (line.isBlank()) {
      return null;
    }
    try {
      LoadSample s = JSON.readValue(line, LoadSample.class);
      if (s.time() == null || !Double.isFinite(s.load())) {
        throw new IllegalArgumentException("time and a finite load are required");
      }
      return s;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      LOG.warn("forecast={} line={} action=skip reason=\"{}\"", file, number, why);
      return null;
    }
  }

  private void rewrite(List<LoadSample> kept) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (LoadSample s : kept) {
        out.write(JSON.writeValueAsBytes(s));
        out.write('\n');
      }
      AtomicFiles.write(file, out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + file, e);
    }
  }

  public Path file() {
    return file;
  }
}
