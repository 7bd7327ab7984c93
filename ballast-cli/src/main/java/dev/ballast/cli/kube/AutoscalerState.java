package dev.ballast.cli.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.StoreJson;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the operator wrote in a StatefulAutoscaler's status, read back into the core's records: the
 * in-flight operation's journal, the bounded history, the conditions. A journal or record the CLI
 * cannot read is kept as a problem line, never guessed.
 */
public record AutoscalerState(
    StatefulAutoscaler resource,
    Optional<Operation> operation,
    List<HistoryRecord> history,
    List<String> problems) {

  private static final ObjectMapper JSON = StoreJson.mapper();

  /** Reads the status of {@code sas} (an object without a status reads as an empty one). */
  public static AutoscalerState of(StatefulAutoscaler sas) {
    StatefulAutoscalerStatus s = status(sas);
    List<String> problems = new ArrayList<>();
    Optional<Operation> op = Optional.empty();
    if (s.operation != null && !s.operation.isNull()) {
      try {
        op = Optional.of(JSON.treeToValue(s.operation, Operation.class));
      } catch (JsonProcessingException e) {
        problems.add("status.operation cannot be read: " + e.getOriginalMessage());
      }
    }
    List<HistoryRecord> history = new ArrayList<>();
    if (s.history != null) {
      for (int i = 0; i < s.history.size(); i++) {
        JsonNode n = s.history.get(i);
        try {
          history.add(JSON.treeToValue(n, HistoryRecord.class));
        } catch (JsonProcessingException e) {
          problems.add("status.history[" + i + "] cannot be read: " + e.getOriginalMessage());
        }
      }
    }
    return new AutoscalerState(sas, op, List.copyOf(history), List.copyOf(problems));
  }

  static StatefulAutoscalerStatus status(StatefulAutoscaler sas) {
    return sas.getStatus() == null ? new StatefulAutoscalerStatus() : sas.getStatus();
  }

  public StatefulAutoscalerStatus status() {
    return status(resource);
  }

  /** Whether the spec names metrics: then they, not {@code spec.replicas}, set the size. */
  public boolean autoscaling() {
    return resource.getSpec() != null
        && resource.getSpec().metrics != null
        && !resource.getSpec().metrics.isEmpty();
  }

  /** The current size as the operator last reported it, or -1 when it has not yet. */
  public int replicas() {
    Integer r = status().replicas;
    return r == null ? -1 : r;
  }

  public long generation() {
    Long g = resource.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  /** Whether the operator's status reflects the spec as it is now. */
  public boolean observedCurrentSpec() {
    Long o = status().observedGeneration;
    return o != null && o >= generation();
  }

  /** The condition of {@code type}, if the operator set it. */
  public Optional<Condition> condition(String type) {
    List<Condition> conditions = status().conditions;
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /**
   * The size before the last operation that completed, as the local {@code rollback} finds it: the
   * {@code from} of the newest succeeded operation record (within the status's bounded history).
   */
  public OptionalInt rollbackTarget() {
    for (int i = history.size() - 1; i >= 0; i--) {
      HistoryRecord r = history.get(i);
      if (r.kind() == RecordKind.OPERATION && r.outcome() == Outcome.SUCCEEDED) {
        return OptionalInt.of(r.from());
      }
    }
    return OptionalInt.empty();
  }

  /** The newest decision, refusal or metrics outage record: what the last decision was. */
  public Optional<HistoryRecord> lastDecision() {
    for (int i = history.size() - 1; i >= 0; i--) {
      RecordKind k = history.get(i).kind();
      if (k == RecordKind.DECISION
          || k == RecordKind.REFUSAL
          || k == RecordKind.METRICS_UNAVAILABLE) {
        return Optional.of(history.get(i));
      }
    }
    return Optional.empty();
  }

  /** The newest operation record: how the last operation ended. */
  public Optional<HistoryRecord> lastOperation() {
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).kind() == RecordKind.OPERATION) {
        return Optional.of(history.get(i));
      }
    }
    return Optional.empty();
  }
}
