package dev.ballast.core.decide;

import dev.ballast.core.decide.model.Recommendation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stabilization windows over past recommendations. Each call also records the new unstabilized
 * recommendation the way the HPA does: it overwrites the last sample that fell out of every window,
 * or appends one.
 *
 * <p>The controller takes its cutoff ({@code time.Now() - window}) a moment after the reconcile
 * began, and after it recorded the current size as its first recommendation; a sample exactly
 * {@code window} before {@code now} is therefore outside the window, and with a 0 s window so is
 * the recommendation recorded at {@code now}. Hence "in the window" means strictly after {@code now
 * - window} here, in both rules.
 */
final class Stabilization {

  /** The stabilized recommendation and the recommendation list after recording. */
  record Result(int recommendation, List<Recommendation> recommendations) {}

  private Stabilization() {}

  /**
   * The legacy rule (no {@code behavior}): the highest recommendation within the downscale window,
   * including the new one; samples at or before the window's start are ignored.
   */
  static Result legacy(List<Recommendation> recs, int proposal, Instant now, Duration window) {
    int max = proposal;
    int oldIndex = -1;
    Instant cutoff = now.minus(window);
    for (int i = 0; i < recs.size(); i++) {
      Recommendation r = recs.get(i);
      if (!r.timestamp().isAfter(cutoff)) {
        oldIndex = i;
      } else if (r.replicas() > max) {
        max = r.replicas();
      }
    }
    return new Result(max, record(recs, oldIndex, new Recommendation(now, proposal)));
  }

  /**
   * The behavior rule: scale up at most to the lowest recommendation within the scale-up window,
   * scale down at most to the highest within the scale-down window; a sample counts when it is
   * strictly newer than the window's start.
   */
  static Result withBehavior(
      List<Recommendation> recs,
      int current,
      int proposal,
      Instant now,
      int upWindowSeconds,
      int downWindowSeconds) {
    int up = proposal;
    int down = proposal;
    Instant upCutoff = now.minusSeconds(upWindowSeconds);
    Instant downCutoff = now.minusSeconds(downWindowSeconds);
    int oldIndex = -1;
    for (int i = 0; i < recs.size(); i++) {
      Recommendation r = recs.get(i);
      if (r.timestamp().isAfter(upCutoff)) {
        up = Math.min(r.replicas(), up);
      }
      if (r.timestamp().isAfter(downCutoff)) {
        down = Math.max(r.replicas(), down);
      }
      if (!r.timestamp().isAfter(upCutoff) && !r.timestamp().isAfter(downCutoff)) {
        oldIndex = i;
      }
    }
    int recommendation = current;
    if (recommendation < up) {
      recommendation = up;
    }
    if (recommendation > down) {
      recommendation = down;
    }
    return new Result(recommendation, record(recs, oldIndex, new Recommendation(now, proposal)));
  }

  private static List<Recommendation> record(
      List<Recommendation> recs, int oldIndex, Recommendation fresh) {
    List<Recommendation> out = new ArrayList<>(recs);
    if (oldIndex >= 0) {
      out.set(oldIndex, fresh);
    } else {
      out.add(fresh);
    }
    return out;
  }
}
