package dev.ballast.core.history;

import dev.ballast.core.plan.Stage;
import dev.ballast.core.plan.StepKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The durations of the add steps a history shows completed, in completion order, for learning the
 * join time. An add step is the stage records of one operation and ordinal that grow the cluster by
 * one; it starts when its first stage started (the record's time less its duration) and completes
 * with the successful record of its last stage ({@code PUBLISH}), so the fill of a new member
 * ({@code REBALANCE}, {@code REBALANCED}) counts in it. Steps that failed or have not completed are
 * left out. Needs nothing beyond the stage records every operation writes, so older histories count
 * too.
 */
public final class AddStepDurations {
  private static final Stage LAST_ADD_STAGE =
      StepKind.ADD.stages().get(StepKind.ADD.stages().size() - 1);

  private AddStepDurations() {}

  /** The completed add steps' durations in {@code records} (oldest first), in completion order. */
  public static List<Duration> of(List<HistoryRecord> records) {
    Map<String, Instant> started = new HashMap<>();
    List<Duration> out = new ArrayList<>();
    for (HistoryRecord r : records) {
      if (r.kind() != RecordKind.STAGE
          || r.operationId() == null
          || r.ordinal() == null
          || r.stage() == null
          || r.to() != r.from() + 1) {
        continue;
      }
      String step = r.operationId() + "/" + r.ordinal();
      Instant stageStart = r.time().minus(r.duration());
      started.merge(step, stageStart, (a, b) -> a.isBefore(b) ? a : b);
      if (r.outcome() == Outcome.FAILED) {
        started.remove(step);
      } else if (r.stage() == LAST_ADD_STAGE && r.outcome() == Outcome.SUCCEEDED) {
        Duration took = Duration.between(started.remove(step), r.time());
        out.add(took.isNegative() ? Duration.ZERO : took);
      }
    }
    return out;
  }
}
