package dev.ballast.core.testing;

import dev.ballast.core.execute.Operation;
import dev.ballast.core.execute.Phase;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.Plan;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.plan.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sample journals and history records with every field set, for the store contracts. */
public final class Journals {
  private Journals() {}

  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00.123456789Z");

  /** A fresh 3 → 5 operation at its first stage (nullable fields null). */
  public static Operation fresh() {
    return Operation.start("op-1-3to5", Trigger.MANUAL, Plan.between(3, 5), T0, List.of());
  }

  /** An operation rolling back, with every field set, including non-ASCII text. */
  public static Operation rollingBack() {
    return new Operation(
        "op-2-3to5",
        Trigger.AUTO,
        3,
        5,
        List.of(Step.add(3), Step.add(4), Step.undoAdd(4), Step.remove(3)),
        2,
        Stage.STOP,
        2,
        T0,
        T0.plusSeconds(40),
        T0.plusSeconds(41),
        T0.plusSeconds(41),
        Map.of("dynamicConfig", "server.0=127.0.0.1:2888:3888;2181", "heap", "128m"),
        "member 4 is still a voting member — « not stopping it »",
        "adding member 4 failed at JOIN: refused",
        Phase.ROLLING_BACK,
        false,
        Outcome.IN_PROGRESS,
        null,
        null,
        List.of("4 is not an allowed size; rounded up to 5", "cpu 92% > 70%"));
  }

  /** A finished, cancelled shrink. */
  public static Operation cancelled() {
    return new Operation(
        "op-3-5to3",
        Trigger.ROLLBACK,
        5,
        3,
        List.of(Step.remove(4), Step.remove(3)),
        0,
        Stage.CANCEL_DRAIN,
        1,
        T0,
        T0.plusSeconds(10),
        T0.plusSeconds(10),
        T0.plusSeconds(11),
        Map.of(),
        null,
        "the target went back up",
        Phase.CANCELLING,
        true,
        Outcome.CANCELLED,
        T0.plusSeconds(11),
        "the removal of member 4 was cancelled; the cluster stays at 5 members",
        List.of());
  }

  /** Three history records of different kinds, oldest first. */
  public static List<HistoryRecord> records() {
    return List.of(
        HistoryRecord.decision(
            T0, Trigger.AUTO, 3, 5, Outcome.IN_PROGRESS, List.of("cpu 92% > 70%"), "accepted"),
        new HistoryRecord(
            T0.plusSeconds(3),
            RecordKind.STAGE,
            Trigger.AUTO,
            3,
            4,
            Outcome.SUCCEEDED,
            Duration.ofMillis(2500),
            List.of(),
            "JOIN done",
            "op-2-3to5",
            3,
            Stage.JOIN),
        new HistoryRecord(
            T0.plusSeconds(60),
            RecordKind.OPERATION,
            Trigger.AUTO,
            3,
            5,
            Outcome.SUCCEEDED,
            Duration.ofSeconds(60),
            List.of("cpu 92% > 70%"),
            "scaled up from 3 to 5 members — « done »",
            "op-2-3to5",
            null,
            null));
  }

  /** A record at {@code T0 + seconds}, to tell records apart by time. */
  public static HistoryRecord at(long seconds) {
    return HistoryRecord.metricsUnavailable(
        T0.plusSeconds(seconds), 3, 3, List.of("metric cpu unavailable"), "held at 3");
  }
}
