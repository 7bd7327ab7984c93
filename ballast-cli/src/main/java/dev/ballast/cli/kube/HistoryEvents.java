package dev.ballast.cli.kube;

import dev.ballast.core.execute.EventReason;
import dev.ballast.core.execute.ScalingEvent;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.plan.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the history records the operator appends to a StatefulAutoscaler's status back into the
 * scaling events the engine emitted when it wrote them, so that {@code --wait} prints the same
 * stage lines as a local {@code ballast scale}. The records hold each stage's outcome, member and
 * sizes; the step's words ("adding member 3") come from its direction within the operation.
 */
final class HistoryEvents {
  private HistoryEvents() {}

  /**
   * The records of {@code now} that were not in {@code before}: those after the newest record
   * {@code before} ends with, or, when the bounded history dropped that one, every newer record.
   */
  static List<HistoryRecord> added(List<HistoryRecord> before, List<HistoryRecord> now) {
    if (before.isEmpty()) {
      return now;
    }
    HistoryRecord last = before.get(before.size() - 1);
    int at = now.lastIndexOf(last);
    if (at >= 0) {
      return now.subList(at + 1, now.size());
    }
    return now.stream().filter(r -> r.time().isAfter(last.time())).toList();
  }

  /**
   * The events {@code r} stands for, in order: a stage's completion (and, after PUBLISH, its
   * step's), a retry, a failed step, the start or the end of an operation, a refusal; none for the
   * other records. {@code growing}: whether the record's operation makes the cluster bigger (a step
   * that shrinks it then rolls a failed add back).
   */
  static List<ScalingEvent> events(HistoryRecord r, boolean growing) {
    List<ScalingEvent> out = new ArrayList<>();
    switch (r.kind()) {
      case DECISION -> {
        if (r.operationId() != null && r.outcome() == Outcome.IN_PROGRESS) {
          out.add(
              event(
                  r,
                  EventReason.SCALING_STARTED,
                  null,
                  "scaling from "
                      + r.from()
                      + " to "
                      + r.to()
                      + " members ("
                      + r.trigger().name().toLowerCase(Locale.ROOT)
                      + "), one member at a time"));
        }
      }
      case STAGE -> {
        String step = describeStep(r, growing);
        switch (r.outcome()) {
          case SUCCEEDED -> {
            out.add(event(r, EventReason.STAGE_COMPLETED, r.stage(), step + ": " + r.message()));
            if (r.stage() == Stage.PUBLISH) {
              out.add(
                  event(
                      r,
                      EventReason.STEP_COMPLETED,
                      null,
                      step + " done: the cluster has " + r.to() + " members"));
            }
          }
          case RETRYING ->
              out.add(
                  event(
                      r,
                      EventReason.STAGE_RETRIED,
                      r.stage(),
                      step + ": " + r.stage() + " " + r.message()));
          case FAILED ->
              out.add(
                  event(
                      r,
                      EventReason.STEP_FAILED,
                      r.stage(),
                      step + " failed at " + r.stage() + ": " + r.message()));
          default -> {}
        }
      }
      case OPERATION -> out.add(event(r, endReason(r), null, r.message()));
      case REFUSAL -> out.add(event(r, EventReason.SCALING_BLOCKED, null, r.message()));
      default -> {}
    }
    return out;
  }

  /** The same words as the engine's: "adding member 3", "removing member 4", "rolling back...". */
  private static String describeStep(HistoryRecord r, boolean growing) {
    if (r.to() > r.from()) {
      return "adding member " + r.ordinal();
    }
    return (growing ? "rolling back member " : "removing member ") + r.ordinal();
  }

  /** The end event's reason for an operation record, as the engine chooses it. */
  private static EventReason endReason(HistoryRecord r) {
    return switch (r.outcome()) {
      case SUCCEEDED -> r.to() < r.from() ? EventReason.SCALED_DOWN : EventReason.SCALED_UP;
      case ROLLED_BACK -> EventReason.ROLLED_BACK;
      case CANCELLED -> EventReason.SCALING_CANCELLED;
      case BLOCKED -> EventReason.SCALING_BLOCKED;
      default -> EventReason.SCALING_FAILED;
    };
  }

  private static ScalingEvent event(
      HistoryRecord r, EventReason reason, Stage stage, String message) {
    return new ScalingEvent(
        r.time(),
        reason,
        r.operationId(),
        r.trigger(),
        r.from(),
        r.to(),
        r.ordinal(),
        stage,
        message);
  }
}
