package dev.ballast.local.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.api.StoreJson;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.port.OperationStore;
import dev.ballast.local.io.AtomicFiles;
import dev.ballast.local.io.StateFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The journal of a local cluster's in-flight operation: one JSON file ({@code operation.json} in
 * the state directory), replaced atomically and fsync'd on every save, so that after a crash it
 * holds exactly the last saved stage.
 */
public final class FileOperationStore implements OperationStore {
  private static final ObjectMapper JSON =
      StoreJson.mapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;

  public FileOperationStore(Path file) {
    this.file = file;
  }

  @Override
  public Optional<Operation> load() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), Operation.class));
    } catch (IOException | RuntimeException e) {
      throw new StateFileException(
          file,
          "the operation journal "
              + file
              + " cannot be read ("
              + StateFileException.firstLine(e)
              + "); 'ballast down' and 'ballast status' still work; check the cluster with"
              + " 'ballast status', then move the file aside (the interrupted operation is then"
              + " forgotten: scale again to finish it)",
          e);
    }
  }

  @Override
  public void save(Operation operation) {
    try {
      AtomicFiles.write(file, JSON.writeValueAsBytes(operation));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the operation journal " + file, e);
    }
  }

  @Override
  public void clear() {
    try {
      if (Files.deleteIfExists(file)) {
        AtomicFiles.forceDirectory(file.toAbsolutePath().getParent());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the operation journal " + file, e);
    }
  }

  public Path file() {
    return file;
  }
}
