package dev.ballast.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.StoreJson;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.port.OperationStore;
import java.util.Objects;
import java.util.Optional;

/**
 * The operation journal in the StatefulAutoscaler's {@code status.operation}, written before each
 * action (the executor saves first). A save applies only over the journal this store last saw: when
 * another writer changed it in between, the save fails with {@link StatusWriter.ConflictException}
 * and the action it guards does not run.
 */
public final class StatusOperationStore implements OperationStore {
  private static final ObjectMapper JSON = StoreJson.mapper();

  private final StatusWriter writer;

  public StatusOperationStore(StatusWriter writer) {
    this.writer = Objects.requireNonNull(writer, "writer");
  }

  @Override
  public Optional<Operation> load() {
    JsonNode node = writer.status().operation;
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.treeToValue(node, Operation.class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "status.operation cannot be read (" + e.getOriginalMessage() + ")", e);
    }
  }

  @Override
  public void save(Operation operation) {
    JsonNode seen = writer.status().operation;
    JsonNode next = JSON.valueToTree(operation);
    writer.update(s -> s.operation = next, fresh -> Objects.equals(fresh.operation, seen));
  }

  @Override
  public void clear() {
    JsonNode seen = writer.status().operation;
    if (seen == null) {
      return;
    }
    writer.update(s -> s.operation = null, fresh -> Objects.equals(fresh.operation, seen));
  }
}
