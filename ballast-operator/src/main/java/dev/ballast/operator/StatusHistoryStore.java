package dev.ballast.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.StoreJson;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.port.HistoryStore;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history in {@code status.history}, bounded to the last {@link
 * StatefulAutoscalerStatus#HISTORY_LIMIT} records (each also becomes an Event through {@code
 * onAppend}, which outlives the bound for the cluster's event TTL).
 */
public final class StatusHistoryStore implements HistoryStore {
  private static final Logger LOG = LoggerFactory.getLogger(StatusHistoryStore.class);
  private static final ObjectMapper JSON = StoreJson.mapper();

  private final StatusWriter writer;
  private final Consumer<HistoryRecord> onAppend;

  public StatusHistoryStore(StatusWriter writer, Consumer<HistoryRecord> onAppend) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.onAppend = Objects.requireNonNull(onAppend, "onAppend");
  }

  @Override
  public void append(HistoryRecord record) {
    JsonNode node = JSON.valueToTree(record);
    writer.update(
        s -> {
          List<JsonNode> h = new ArrayList<>(s.history == null ? List.of() : s.history);
          h.add(node);
          int drop = Math.max(0, h.size() - StatefulAutoscalerStatus.HISTORY_LIMIT);
          s.history = new ArrayList<>(h.subList(drop, h.size()));
        });
    onAppend.accept(record);
  }

  @Override
  public List<HistoryRecord> list() {
    List<JsonNode> h = writer.status().history;
    List<HistoryRecord> out = new ArrayList<>();
    if (h == null) {
      return out;
    }
    for (JsonNode n : h) {
      try {
        out.add(JSON.treeToValue(n, HistoryRecord.class));
      } catch (JsonProcessingException e) {
        LOG.warn("action=history skipped=\"{}\"", e.getOriginalMessage());
      }
    }
    return out;
  }
}
