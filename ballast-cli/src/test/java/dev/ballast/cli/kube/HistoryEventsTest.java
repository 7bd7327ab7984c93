package dev.ballast.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.execute.EventReason;
import dev.ballast.core.execute.ScalingEvent;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryEventsTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  private static HistoryRecord stage(int sec, int from, int to, Stage stage, Outcome outcome) {
    return new HistoryRecord(
        T0.plusSeconds(sec),
        RecordKind.STAGE,
        Trigger.MANUAL,
        from,
        to,
        outcome,
        Duration.ofSeconds(1),
        List.of(),
        outcome == Outcome.SUCCEEDED ? stage + " done" : "attempt 1/3 failed: refused",
        "op-1",
        Math.min(from, to),
        stage);
  }

  private static HistoryRecord accepted(int sec, int from, int to) {
    return new HistoryRecord(
        T0.plusSeconds(sec),
        RecordKind.DECISION,
        Trigger.MANUAL,
        from,
        to,
        Outcome.IN_PROGRESS,
        Duration.ZERO,
        List.of(),
        "accepted: scale from " + from + " to " + to + " members",
        "op-1",
        null,
        null);
  }

  @Test
  void addedIsWhatFollowsTheLastRecordSeen() {
    // given
    HistoryRecord a = accepted(0, 3, 4);
    HistoryRecord b = stage(1, 3, 4, Stage.PREFLIGHT, Outcome.SUCCEEDED);
    HistoryRecord c = stage(2, 3, 4, Stage.ANNOUNCE, Outcome.SUCCEEDED);

    // when / then
    assertThat(HistoryEvents.added(List.of(a), List.of(a, b, c))).containsExactly(b, c);
    assertThat(HistoryEvents.added(List.of(a, b, c), List.of(a, b, c))).isEmpty();
    assertThat(HistoryEvents.added(List.of(), List.of(a))).containsExactly(a);
  }

  @Test
  void addedKeepsTheNewerRecordsWhenTheBoundDroppedTheLastSeen() {
    // given: the status kept only the newest records; the last one seen is gone
    HistoryRecord seen = accepted(0, 3, 4);
    HistoryRecord b = stage(1, 3, 4, Stage.PREFLIGHT, Outcome.SUCCEEDED);
    HistoryRecord older = stage(-5, 4, 3, Stage.PUBLISH, Outcome.SUCCEEDED);

    // when / then
    assertThat(HistoryEvents.added(List.of(seen), List.of(older, b))).containsExactly(b);
  }

  @Test
  void recordsBecomeTheEventsTheEngineEmittedWithItsWords() {
    // when
    List<ScalingEvent> started = HistoryEvents.events(accepted(0, 3, 5), true);
    List<ScalingEvent> published =
        HistoryEvents.events(stage(9, 3, 4, Stage.PUBLISH, Outcome.SUCCEEDED), true);
    List<ScalingEvent> retried =
        HistoryEvents.events(stage(3, 3, 4, Stage.JOIN, Outcome.RETRYING), true);

    // then
    assertThat(started)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(EventReason.SCALING_STARTED);
              assertThat(e.message())
                  .isEqualTo("scaling from 3 to 5 members (manual), one member at a time");
            });
    assertThat(published)
        .extracting(ScalingEvent::reason)
        .containsExactly(EventReason.STAGE_COMPLETED, EventReason.STEP_COMPLETED);
    assertThat(published.get(0).message()).isEqualTo("adding member 3: PUBLISH done");
    assertThat(published.get(1).message())
        .isEqualTo("adding member 3 done: the cluster has 4 members");
    assertThat(retried)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(EventReason.STAGE_RETRIED);
              assertThat(e.stage()).isEqualTo(Stage.JOIN);
            });
  }

  @Test
  void aShrinkingStepIsARemovalOrTheRollbackOfAFailedAdd() {
    // given: member 3 leaves, 4 -> 3
    HistoryRecord leave = stage(5, 4, 3, Stage.LEAVE, Outcome.SUCCEEDED);

    // when / then
    assertThat(HistoryEvents.events(leave, false).get(0).message()).startsWith("removing member 3");
    assertThat(HistoryEvents.events(leave, true).get(0).message())
        .startsWith("rolling back member 3");
  }

  @Test
  void anOperationRecordEndsWithTheEnginesReason() {
    // given
    HistoryRecord down =
        new HistoryRecord(
            T0,
            RecordKind.OPERATION,
            Trigger.MANUAL,
            5,
            3,
            Outcome.SUCCEEDED,
            Duration.ofSeconds(9),
            List.of(),
            "scaled down from 5 to 3 members",
            "op-1",
            null,
            null);

    // when / then
    assertThat(HistoryEvents.events(down, false))
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(EventReason.SCALED_DOWN));
  }
}
