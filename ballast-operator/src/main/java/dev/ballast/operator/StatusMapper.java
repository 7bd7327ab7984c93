package dev.ballast.operator;

import dev.ballast.autoscaler.AutoscaleLoop;
import dev.ballast.core.autoscale.AutoscaleDecision;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.MetricResult;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.MetricValue;
import dev.ballast.core.decide.model.Recommendation;
import dev.ballast.core.decide.model.ScaleEvent;
import dev.ballast.core.execute.Operation;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates what the core returned into the StatefulAutoscaler's status shapes: the HPA's
 * conditions plus {@code Progressing} and {@code Degraded}, {@code currentMetrics} in {@code
 * autoscaling/v2} form and the printer column's {@code targets}. Units and names only.
 */
final class StatusMapper {
  static final String PROGRESSING = "Progressing";
  static final String DEGRADED = "Degraded";

  private StatusMapper() {}

  /** A condition, keeping {@code previous}'s transition time when the status did not change. */
  static Condition condition(
      List<Condition> previous,
      String type,
      boolean status,
      String reason,
      String message,
      Instant now) {
    String s = status ? "True" : "False";
    String since =
        previous == null
            ? now.toString()
            : previous.stream()
                .filter(c -> type.equals(c.getType()) && s.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .findFirst()
                .orElse(now.toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(s)
        .withReason(reason == null || reason.isEmpty() ? "AsExpected" : reason)
        .withMessage(message == null ? "" : message)
        .withLastTransitionTime(since)
        .build();
  }

  /** Replaces the condition of the same type in {@code conditions}, or adds it. */
  static List<Condition> put(List<Condition> conditions, Condition c) {
    List<Condition> out = new ArrayList<>(conditions == null ? List.of() : conditions);
    out.removeIf(x -> c.getType().equals(x.getType()));
    out.add(c);
    return out;
  }

  /** The HPA's conditions of {@code decision}, plus AbleToScale=False when not admitted. */
  static List<Condition> hpaConditions(
      List<Condition> previous, AutoscaleLoop.SyncResult sync, Instant now) {
    List<Condition> out = new ArrayList<>(previous == null ? List.of() : previous);
    for (var c : sync.decision().hpa().conditions()) {
      out = put(out, condition(previous, c.type(), c.status(), c.reason(), c.message(), now));
    }
    if (sync.admissionRefusal().isPresent()) {
      out =
          put(
              out,
              condition(
                  previous,
                  "AbleToScale",
                  false,
                  "InsufficientCapacity",
                  sync.admissionRefusal().get(),
                  now));
    }
    return out;
  }

  /** Progressing: True while an operation runs, with where it is. */
  static Condition progressing(List<Condition> previous, Optional<Operation> op, Instant now) {
    return op.map(
            o ->
                condition(
                    previous,
                    PROGRESSING,
                    true,
                    o.to() > o.from() ? "ScalingUp" : "ScalingDown",
                    "operation " + o.id() + ": " + o.from() + " -> " + o.to() + ", " + o.position(),
                    now))
        .orElseGet(() -> condition(previous, PROGRESSING, false, "Idle", "no operation", now));
  }

  /** The printer column: each metric's current/target, e.g. {@code 45%/60%, 120/100}. */
  static String targets(AutoscaleDecision decision) {
    List<String> parts = new ArrayList<>();
    for (MetricResult r : decision.hpa().metrics()) {
      MetricTarget t = r.spec().target();
      MetricValue v = r.current();
      if (t.type() == MetricTarget.Type.UTILIZATION) {
        String cur =
            v == null || v.averageUtilization() == null
                ? "<unknown>"
                : v.averageUtilization() + "%";
        parts.add(cur + "/" + t.amount() + "%");
      } else {
        Long milli =
            v == null
                ? null
                : v.averageValueMilli() != null ? v.averageValueMilli() : v.valueMilli();
        String cur = milli == null ? "<unknown>" : MetricValue.formatMilli(milli);
        parts.add(cur + "/" + MetricValue.formatMilli(t.amount()));
      }
    }
    return String.join(", ", parts);
  }

  /** {@code status.currentMetrics} in {@code autoscaling/v2} form. */
  static List<MetricStatus> currentMetrics(AutoscaleDecision decision) {
    List<MetricStatus> out = new ArrayList<>();
    for (MetricResult r : decision.hpa().metrics()) {
      MetricValue v = r.current();
      Map<String, Object> current = new LinkedHashMap<>();
      if (v != null) {
        if (v.valueMilli() != null) {
          current.put("value", MetricValue.formatMilli(v.valueMilli()));
        }
        if (v.averageValueMilli() != null) {
          current.put("averageValue", MetricValue.formatMilli(v.averageValueMilli()));
        }
        if (v.averageUtilization() != null) {
          current.put("averageUtilization", v.averageUtilization());
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      MetricSpec spec = r.spec();
      if (spec instanceof MetricSpec.Resource res) {
        m.put("type", "Resource");
        m.put("resource", Map.of("name", res.resource(), "current", current));
      } else if (spec instanceof MetricSpec.ContainerResource res) {
        m.put("type", "ContainerResource");
        m.put(
            "containerResource",
            Map.of("name", res.resource(), "container", res.container(), "current", current));
      } else if (spec instanceof MetricSpec.Pods p) {
        m.put("type", "Pods");
        m.put("pods", Map.of("metric", Map.of("name", p.name()), "current", current));
      } else if (spec instanceof MetricSpec.External e) {
        m.put("type", "External");
        m.put("external", Map.of("metric", Map.of("name", e.name()), "current", current));
      } else {
        continue;
      }
      out.add(Serialization.jsonMapper().convertValue(m, MetricStatus.class));
    }
    return out;
  }

  /** The HPA's memory as the status keeps it: the newest {@code MEMORY_LIMIT} of each list. */
  static StatefulAutoscalerStatus.HpaMemory hpaMemory(History memory) {
    StatefulAutoscalerStatus.HpaMemory out = new StatefulAutoscalerStatus.HpaMemory();
    out.recommendations =
        newest(
            memory.recommendations().stream()
                .map(
                    r -> new StatefulAutoscalerStatus.Entry(r.timestamp().toString(), r.replicas()))
                .toList());
    out.scaleUpEvents = events(memory.scaleUpEvents());
    out.scaleDownEvents = events(memory.scaleDownEvents());
    return out;
  }

  /** The HPA's memory read back from the status. */
  static History hpaMemory(StatefulAutoscalerStatus.HpaMemory m) {
    List<Recommendation> recommendations = new ArrayList<>();
    for (var e : orEmpty(m.recommendations)) {
      recommendations.add(new Recommendation(Instant.parse(e.time), e.replicas));
    }
    return new History(
        recommendations,
        scaleEvents(orEmpty(m.scaleUpEvents)),
        scaleEvents(orEmpty(m.scaleDownEvents)));
  }

  private static List<StatefulAutoscalerStatus.Entry> events(List<ScaleEvent> events) {
    return newest(
        events.stream()
            .map(
                e ->
                    new StatefulAutoscalerStatus.Entry(e.timestamp().toString(), e.replicaChange()))
            .toList());
  }

  private static List<ScaleEvent> scaleEvents(List<StatefulAutoscalerStatus.Entry> entries) {
    List<ScaleEvent> out = new ArrayList<>();
    for (var e : entries) {
      out.add(new ScaleEvent(Instant.parse(e.time), e.replicas));
    }
    return out;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <T> List<T> newest(List<T> list) {
    int limit = StatefulAutoscalerStatus.MEMORY_LIMIT;
    return new ArrayList<>(
        list.size() > limit ? list.subList(list.size() - limit, list.size()) : list);
  }
}
