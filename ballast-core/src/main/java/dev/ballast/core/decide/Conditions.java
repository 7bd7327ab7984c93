package dev.ballast.core.decide;

import dev.ballast.core.decide.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HPA's conditions during one decision: starts from the autoscaler's status conditions; a
 * condition set again keeps its {@code lastTransitionTime} unless its status changes.
 */
final class Conditions {
  private final Map<String, Condition> byType = new LinkedHashMap<>();
  private final Instant now;

  Conditions(List<Condition> previous, Instant now) {
    this.now = now;
    byType.put(Condition.ABLE_TO_SCALE, null);
    byType.put(Condition.SCALING_ACTIVE, null);
    byType.put(Condition.SCALING_LIMITED, null);
    for (Condition c : previous) {
      byType.put(c.type(), c);
    }
  }

  void set(String type, boolean status, String reason, String message) {
    Condition old = byType.get(type);
    Instant transition =
        old != null && old.status() == status && old.lastTransitionTime() != null
            ? old.lastTransitionTime()
            : now;
    byType.put(type, new Condition(type, status, reason, message, transition));
  }

  List<Condition> toList() {
    List<Condition> out = new ArrayList<>();
    for (Condition c : byType.values()) {
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }
}
