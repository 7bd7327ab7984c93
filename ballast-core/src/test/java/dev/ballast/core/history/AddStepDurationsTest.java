package dev.ballast.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.plan.Stage;
import dev.ballast.core.plan.StepKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddStepDurationsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  /** The stage records of one step of {@code kind}, each stage taking {@code stageSeconds}. */
  private static List<HistoryRecord> step(
      String op, StepKind kind, int from, Instant start, long stageSeconds) {
    List<HistoryRecord> out = new ArrayList<>();
    int to = kind.grows() ? from + 1 : from - 1;
    int ordinal = kind.grows() ? from : to;
    Instant t = start;
    for (Stage stage : kind.stages()) {
      t = t.plusSeconds(stageSeconds);
      out.add(stage(op, from, to, ordinal, stage, t, stageSeconds, Outcome.SUCCEEDED));
    }
    return out;
  }

  private static HistoryRecord stage(
      String op, int from, int to, int ordinal, Stage stage, Instant t, long took, Outcome o) {
    return new HistoryRecord(
        t,
        RecordKind.STAGE,
        Trigger.AUTO,
        from,
        to,
        o,
        Duration.ofSeconds(took),
        List.of(),
        stage + " done",
        op,
        ordinal,
        stage);
  }

  @Test
  void measuresEachCompletedAddStepFromItsFirstStageToItsLast() {
    // given: an operation 3 → 5 (two add steps, 7 stages of 10 s and 20 s), then a removal
    List<HistoryRecord> records = new ArrayList<>();
    records.add(HistoryRecord.decision(T0, Trigger.AUTO, 3, 5, Outcome.IN_PROGRESS, null, ""));
    records.addAll(step("op-1", StepKind.ADD, 3, T0, 10));
    records.addAll(step("op-1", StepKind.ADD, 4, T0.plusSeconds(70), 20));
    records.addAll(step("op-2", StepKind.REMOVE, 5, T0.plusSeconds(600), 5));

    // when
    List<Duration> durations = AddStepDurations.of(records);

    // then: 7 stages × 10 s and 7 × 20 s; the removal is no add step
    int stages = StepKind.ADD.stages().size();
    assertThat(durations)
        .containsExactly(Duration.ofSeconds(stages * 10L), Duration.ofSeconds(stages * 20L));
  }

  @Test
  void countsTheFillOfANewMemberInItsAddStep() {
    // given: an add step whose REBALANCED (the fill) took 5 minutes between JOIN and VERIFY
    List<HistoryRecord> records = new ArrayList<>();
    records.add(stage("op-1", 3, 4, 3, Stage.PREFLIGHT, T0.plusSeconds(1), 1, Outcome.SUCCEEDED));
    records.add(stage("op-1", 3, 4, 3, Stage.JOIN, T0.plusSeconds(20), 2, Outcome.SUCCEEDED));
    records.add(stage("op-1", 3, 4, 3, Stage.REBALANCE, T0.plusSeconds(21), 1, Outcome.SUCCEEDED));
    records.add(
        stage("op-1", 3, 4, 3, Stage.REBALANCED, T0.plusSeconds(321), 300, Outcome.SUCCEEDED));
    records.add(stage("op-1", 3, 4, 3, Stage.VERIFY, T0.plusSeconds(322), 1, Outcome.SUCCEEDED));
    records.add(stage("op-1", 3, 4, 3, Stage.PUBLISH, T0.plusSeconds(323), 1, Outcome.SUCCEEDED));

    // when / then: from the step's start to its PUBLISH, the fill included
    assertThat(AddStepDurations.of(records)).containsExactly(Duration.ofSeconds(323));
  }

  @Test
  void countsARetriedStageAndLeavesOutFailedAndUnfinishedSteps() {
    // given: a step whose START was retried once after 30 s, a failed step, an unfinished one
    List<HistoryRecord> records = new ArrayList<>();
    records.add(stage("op-1", 3, 4, 3, Stage.PREFLIGHT, T0.plusSeconds(1), 1, Outcome.SUCCEEDED));
    records.add(stage("op-1", 3, 4, 3, Stage.START, T0.plusSeconds(31), 30, Outcome.RETRYING));
    records.add(stage("op-1", 3, 4, 3, Stage.START, T0.plusSeconds(40), 39, Outcome.SUCCEEDED));
    records.add(stage("op-1", 3, 4, 3, Stage.PUBLISH, T0.plusSeconds(90), 1, Outcome.SUCCEEDED));
    records.add(stage("op-2", 4, 5, 4, Stage.PREFLIGHT, T0.plusSeconds(101), 1, Outcome.SUCCEEDED));
    records.add(stage("op-2", 4, 5, 4, Stage.READY, T0.plusSeconds(200), 99, Outcome.FAILED));
    records.add(stage("op-3", 4, 5, 4, Stage.PREFLIGHT, T0.plusSeconds(301), 1, Outcome.SUCCEEDED));

    // when / then: only the first step, from its start (T0) to its PUBLISH
    assertThat(AddStepDurations.of(records)).containsExactly(Duration.ofSeconds(90));
  }
}
