package dev.ballast.core.decide;

import dev.ballast.core.decide.model.ScaleEvent;
import dev.ballast.core.decide.model.ScalingPolicy;
import dev.ballast.core.decide.model.ScalingRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rate limits on replica changes: the legacy scale-up limit (max(2 × current, 4)) and the {@code
 * behavior} policies, each measured from the replica count at the start of its period (current −
 * added + removed within the period).
 */
final class RateLimits {

  /** One policy's bound and how it was reached, for the explanation. */
  record PolicyBound(ScalingPolicy policy, int periodStart, int bound) {
    @Override
    public String toString() {
      return policy + " from " + periodStart + " → " + bound;
    }
  }

  /** The combined bound and each policy's part in it. */
  record Limit(int value, List<PolicyBound> bounds) {}

  private RateLimits() {}

  /** Without behavior, a scale-up goes at most to max(2 × current, 4). */
  static int legacyScaleUpLimit(int current) {
    return (int) Math.max(2.0 * current, 4.0);
  }

  /** The highest replica count the scale-up policies allow now. */
  static Limit scaleUpLimit(
      int current, List<ScaleEvent> ups, List<ScaleEvent> downs, ScalingRules rules, Instant now) {
    if (rules.selectPolicy() == ScalingRules.SelectPolicy.DISABLED) {
      return new Limit(current, List.of());
    }
    boolean minChange = rules.selectPolicy() == ScalingRules.SelectPolicy.MIN;
    int result = minChange ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    List<PolicyBound> bounds = new ArrayList<>();
    for (ScalingPolicy p : rules.policies()) {
      int start =
          current
              - changeInPeriod(p.periodSeconds(), ups, now)
              + changeInPeriod(p.periodSeconds(), downs, now);
      int proposed =
          p.type() == ScalingPolicy.Type.PODS
              ? start + p.value()
              // rounded up so that a small percentage still allows one more replica
              : ReplicaCalculator.ceilToInt(start * (1 + p.value() / 100.0));
      bounds.add(new PolicyBound(p, start, proposed));
      result = minChange ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return new Limit(result, bounds);
  }

  /** The lowest replica count the scale-down policies allow now. */
  static Limit scaleDownLimit(
      int current, List<ScaleEvent> ups, List<ScaleEvent> downs, ScalingRules rules, Instant now) {
    if (rules.selectPolicy() == ScalingRules.SelectPolicy.DISABLED) {
      return new Limit(current, List.of());
    }
    boolean minChange = rules.selectPolicy() == ScalingRules.SelectPolicy.MIN;
    int result = minChange ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    List<PolicyBound> bounds = new ArrayList<>();
    for (ScalingPolicy p : rules.policies()) {
      int start =
          current
              - changeInPeriod(p.periodSeconds(), ups, now)
              + changeInPeriod(p.periodSeconds(), downs, now);
      int proposed =
          p.type() == ScalingPolicy.Type.PODS
              ? start - p.value()
              // truncated toward zero, as Kubernetes converts the float to an integer
              : (int) (start * (1 - p.value() / 100.0));
      bounds.add(new PolicyBound(p, start, proposed));
      result = minChange ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return new Limit(result, bounds);
  }

  /** Replicas changed by events strictly newer than {@code now - periodSeconds}. */
  static int changeInPeriod(int periodSeconds, List<ScaleEvent> events, Instant now) {
    Instant cutoff = now.minusSeconds(periodSeconds);
    int replicas = 0;
    for (ScaleEvent e : events) {
      if (e.timestamp().isAfter(cutoff)) {
        replicas += e.replicaChange();
      }
    }
    return replicas;
  }

  /**
   * Records a scale event: it replaces the last event at or before the start of the longest policy
   * period (an outdated one; the controller's cutoff is taken a moment after {@code now}), or is
   * appended.
   */
  static List<ScaleEvent> store(
      List<ScaleEvent> events, int change, int longestPeriodSeconds, Instant now) {
    Instant cutoff = now.minusSeconds(longestPeriodSeconds);
    int oldIndex = -1;
    for (int i = 0; i < events.size(); i++) {
      if (!events.get(i).timestamp().isAfter(cutoff)) {
        oldIndex = i;
      }
    }
    List<ScaleEvent> out = new ArrayList<>(events);
    ScaleEvent fresh = new ScaleEvent(now, change);
    if (oldIndex >= 0) {
      out.set(oldIndex, fresh);
    } else {
      out.add(fresh);
    }
    return out;
  }
}
