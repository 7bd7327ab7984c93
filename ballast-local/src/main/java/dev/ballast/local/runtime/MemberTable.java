package dev.ballast.local.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.local.io.AtomicFiles;
import dev.ballast.local.io.StateFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The member table of a local cluster ({@code members.json} in the state directory): every reserved
 * ordinal with its ports and process, replaced atomically on every change so that a crash never
 * leaves it half-written.
 */
public final class MemberTable {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final TypeReference<List<MemberRecord>> ROWS = new TypeReference<>() {};

  private final Path file;

  public MemberTable(Path file) {
    this.file = file;
  }

  /** The rows in ordinal order; empty when the file does not exist yet. */
  public List<MemberRecord> read() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return JSON.readValue(file.toFile(), ROWS).stream()
          .sorted(Comparator.comparingInt(MemberRecord::ordinal))
          .toList();
    } catch (IOException e) {
      throw new StateFileException(
          file,
          "the member table "
              + file
              + " cannot be read ("
              + StateFileException.firstLine(e)
              + "); 'ballast down' still stops the members it finds running; restore the file"
              + " from a backup, or stop the cluster with 'ballast down' and delete the file to"
              + " start anew",
          e);
    }
  }

  /** Replaces the table with {@code rows}. */
  public void write(List<MemberRecord> rows) {
    List<MemberRecord> sorted =
        rows.stream().sorted(Comparator.comparingInt(MemberRecord::ordinal)).toList();
    try {
      AtomicFiles.write(file, JSON.writeValueAsBytes(sorted));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the member table " + file, e);
    }
  }

  public Path file() {
    return file;
  }
}
