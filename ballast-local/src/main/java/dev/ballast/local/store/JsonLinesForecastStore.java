package dev.ballast.local.store;

import dev.ballast.core.port.ForecastStore;
import dev.ballast.core.predict.LoadSample;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The forecaster's load observations of a local cluster: one JSON object per line ({@code
 * {"time":"...","load":123.4}}) in {@code forecast.jsonl} in the state directory, appended. {@link
 * #keepFrom} rewrites the file atomically without the forgotten lines; a line that cannot be read
 * (cut short by a crash, edited by hand) is skipped with a warning and dropped then. A {@link
 * #readOnly} store reads the same file and never changes it.
 */
public final class JsonLinesForecastStore implements ForecastStore {
  private final JsonLines<LoadSample> lines;
  private final boolean readOnly;

  private JsonLinesForecastStore(Path file, boolean readOnly) {
    this.lines =
        new JsonLines<>(
            file,
            LoadSample.class,
            s -> {
              if (s.time() == null || !Double.isFinite(s.load())) {
                throw new IllegalArgumentException("time and a finite load are required");
              }
            });
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
    if (!readOnly) {
      lines.append(sample);
    }
  }

  @Override
  public synchronized List<LoadSample> keepFrom(Instant from) {
    JsonLines.Read<LoadSample> read = lines.read();
    List<LoadSample> kept = read.values().stream().filter(s -> !s.time().isBefore(from)).toList();
    if ((read.skipped() || kept.size() < read.values().size()) && !readOnly) {
      lines.rewrite(kept);
    }
    return kept;
  }

  public Path file() {
    return lines.file();
  }
}
