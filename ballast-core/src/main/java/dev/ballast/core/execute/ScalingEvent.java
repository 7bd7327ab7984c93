package dev.ballast.core.execute;

import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.Stage;
import java.time.Instant;
import java.util.Objects;

/**
 * Something the engine did or refused, for the wiring layer to turn into a log line, a progress
 * line or a Kubernetes Event. {@code operationId}, {@code ordinal} and {@code stage} are null when
 * they do not apply.
 */
public record ScalingEvent(
    Instant time,
    EventReason reason,
    String operationId,
    Trigger trigger,
    int from,
    int to,
    Integer ordinal,
    Stage stage,
    String message) {
  public ScalingEvent {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
