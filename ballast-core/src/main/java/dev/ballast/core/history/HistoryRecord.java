package dev.ballast.core.history;

import dev.ballast.core.plan.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a cluster's scaling history: when, what kind, who asked (trigger), the sizes from
 * and to, the outcome, how long it took, the reasons (clamps, refusals, errors) and a readable
 * message. {@code operationId}, {@code ordinal} and {@code stage} are null when they do not apply.
 * A plain record: it serializes with Jackson as is (with the JSR-310 module for time).
 */
public record HistoryRecord(
    Instant time,
    RecordKind kind,
    Trigger trigger,
    int from,
    int to,
    Outcome outcome,
    Duration duration,
    List<String> reasons,
    String message,
    String operationId,
    Integer ordinal,
    Stage stage) {

  public HistoryRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(outcome, "outcome");
    duration = duration == null ? Duration.ZERO : duration;
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    message = message == null ? "" : message;
  }

  /** An autoscaling decision: {@code from} current, {@code to} desired, reasons its clamps. */
  public static HistoryRecord decision(
      Instant time,
      Trigger trigger,
      int from,
      int to,
      Outcome outcome,
      List<String> reasons,
      String message) {
    return new HistoryRecord(
        time,
        RecordKind.DECISION,
        trigger,
        from,
        to,
        outcome,
        Duration.ZERO,
        reasons,
        message,
        null,
        null,
        null);
  }

  /** The autoscaler could not read its metrics and kept (or changed) the size by policy. */
  public static HistoryRecord metricsUnavailable(
      Instant time, int current, int to, List<String> reasons, String message) {
    return new HistoryRecord(
        time,
        RecordKind.METRICS_UNAVAILABLE,
        Trigger.AUTO,
        current,
        to,
        to == current ? Outcome.HELD : Outcome.IN_PROGRESS,
        Duration.ZERO,
        reasons,
        message,
        null,
        null,
        null);
  }
}
