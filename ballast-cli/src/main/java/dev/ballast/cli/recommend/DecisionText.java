package dev.ballast.cli.recommend;

import dev.ballast.api.Quantities;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.Condition;
import dev.ballast.core.decide.model.ControllerSettings;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.LabelSelector;
import dev.ballast.core.decide.model.MetricResult;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.MetricValue;
import dev.ballast.core.decide.model.PodClass;
import dev.ballast.core.decide.model.PodVerdict;
import dev.ballast.core.decide.model.RuleApplication;
import dev.ballast.core.decide.model.ScalingRules;
import dev.ballast.core.decide.model.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a decision for people: a short summary, or the full explanation (every metric's numbers
 * and formula, each pod's class, every rule that changed the value, the conditions).
 */
public final class DecisionText {
  /** How many pod names a class lists before it says "and N more". */
  private static final int PODS_LISTED = 12;

  private DecisionText() {}

  /** A few lines: the answer, each metric's proposal, the rules that changed the value. */
  public static String summary(String source, Decision d) {
    StringBuilder b = new StringBuilder();
    b.append(source)
        .append(": ")
        .append(d.currentReplicas())
        .append(" → ")
        .append(d.desiredReplicas())
        .append(" replicas")
        .append(verdict(d))
        .append('\n');
    for (MetricResult m : d.metrics()) {
      b.append("  ").append(metricLine(m)).append('\n');
    }
    for (RuleApplication r : d.rules()) {
      b.append("  rule ")
          .append(r.rule())
          .append(": ")
          .append(r.before())
          .append(" → ")
          .append(r.after())
          .append(" (")
          .append(r.reason())
          .append(")\n");
    }
    b.append("  ").append(conditionsLine(d)).append('\n');
    return b.toString();
  }

  private static String verdict(Decision d) {
    if (d.desiredReplicas() > d.currentReplicas()) {
      return " (scale up: " + d.rescaleReason() + ")";
    }
    if (d.desiredReplicas() < d.currentReplicas()) {
      return " (scale down: " + d.rescaleReason() + ")";
    }
    return " (no change)";
  }

  private static String metricLine(MetricResult m) {
    String head = m.spec().type() + " " + m.spec().name() + ": ";
    if (!m.isValid()) {
      return head + "invalid: " + m.error();
    }
    return head
        + current(m.current())
        + " vs target "
        + target(m.spec().target())
        + " → proposes "
        + m.proposedReplicas();
  }

  private static String conditionsLine(Decision d) {
    List<String> parts = new ArrayList<>();
    for (Condition c : d.conditions()) {
      parts.add(c.type() + "=" + c.statusString() + " " + c.reason());
    }
    return String.join("; ", parts);
  }

  static String current(MetricValue v) {
    if (v == null) {
      return "no value";
    }
    if (v.averageUtilization() != null) {
      return v.averageUtilization()
          + "% (average "
          + Quantities.formatMilli(v.averageValueMilli())
          + ")";
    }
    if (v.averageValueMilli() != null) {
      return "average " + MetricValue.describeMilli(v.averageValueMilli());
    }
    return "value " + MetricValue.describeMilli(v.valueMilli());
  }

  static String target(MetricTarget t) {
    return switch (t.type()) {
      case UTILIZATION -> t.amount() + "% of requests";
      case AVERAGE_VALUE -> "average " + MetricValue.describeMilli(t.amount()) + " per pod";
      case VALUE -> "value " + MetricValue.describeMilli(t.amount());
    };
  }

  /** The full breakdown a user can follow with a calculator. */
  public static String explain(String source, Snapshot s, Decision d) {
    StringBuilder b = new StringBuilder();
    Autoscaler a = s.autoscaler();
    ControllerSettings c = s.controller();
    b.append("Decision for ").append(source).append(" at ").append(s.now()).append('\n');
    b.append("  current replicas: ")
        .append(d.currentReplicas())
        .append(" (scale.spec.replicas; status.replicas ")
        .append(s.scale().statusReplicas())
        .append(")\n");
    b.append("  bounds: minReplicas ")
        .append(a.minReplicas())
        .append(", maxReplicas ")
        .append(a.maxReplicas())
        .append('\n');
    b.append("  controller: tolerance ")
        .append(c.tolerance())
        .append(", cpu initialization period ")
        .append(c.cpuInitializationPeriod().toSeconds())
        .append("s, initial readiness delay ")
        .append(c.initialReadinessDelay().toSeconds())
        .append("s, downscale stabilization ")
        .append(c.downscaleStabilizationWindow().toSeconds())
        .append("s\n");
    b.append("  behavior: ").append(behavior(a.behavior(), c)).append('\n');
    b.append("  memory: ")
        .append(
            s.history().isFirstReconcile()
                ? "none (first reconcile: the current size is recorded as a recommendation)"
                : s.history().recommendations().size()
                    + " recommendations, "
                    + s.history().scaleUpEvents().size()
                    + " scale-up and "
                    + s.history().scaleDownEvents().size()
                    + " scale-down events")
        .append('\n');

    int i = 1;
    for (MetricResult m : d.metrics()) {
      b.append('\n')
          .append("Metric ")
          .append(i++)
          .append(": ")
          .append(describe(m.spec()))
          .append(", target ")
          .append(target(m.spec().target()))
          .append('\n');
      for (String step : m.steps()) {
        b.append("  ").append(step).append('\n');
      }
      pods(b, m.podVerdicts());
      if (m.isValid()) {
        b.append("  → proposes ").append(m.proposedReplicas()).append(" replicas\n");
      } else {
        b.append("  → invalid (")
            .append(m.errorReason())
            .append("): ")
            .append(m.error())
            .append('\n');
      }
    }
    if (d.metrics().isEmpty()) {
      b.append("\nMetrics: not evaluated (").append(notEvaluated(d, a)).append(")\n");
    }

    b.append("\nRules that changed the value:\n");
    if (d.rules().isEmpty()) {
      b.append("  none\n");
    }
    int w = 0;
    for (RuleApplication r : d.rules()) {
      w = Math.max(w, r.rule().length());
    }
    for (RuleApplication r : d.rules()) {
      b.append("  ")
          .append(pad(r.rule(), w))
          .append("  ")
          .append(r.before())
          .append(" → ")
          .append(r.after())
          .append("  ")
          .append(r.reason())
          .append('\n');
    }
    b.append("\nResult: ")
        .append(d.currentReplicas())
        .append(" → ")
        .append(d.desiredReplicas())
        .append(" replicas")
        .append(verdict(d))
        .append('\n');
    b.append("\nConditions:\n");
    int tw = 0;
    int rw = 0;
    for (Condition cond : d.conditions()) {
      tw = Math.max(tw, cond.type().length());
      rw = Math.max(rw, cond.reason().length());
    }
    for (Condition cond : d.conditions()) {
      b.append("  ")
          .append(pad(cond.type(), tw))
          .append("  ")
          .append(pad(cond.statusString(), 5))
          .append("  ")
          .append(pad(cond.reason(), rw))
          .append("  ")
          .append(cond.message())
          .append('\n');
    }
    b.append("\nMemory after: ")
        .append(d.history().recommendations() == null ? 0 : d.history().recommendations().size())
        .append(" recommendations, ")
        .append(d.history().scaleUpEvents().size())
        .append(" scale-up and ")
        .append(d.history().scaleDownEvents().size())
        .append(" scale-down events (in the JSON output's \"history\", to chain decisions)\n");
    return b.toString();
  }

  private static String notEvaluated(Decision d, Autoscaler a) {
    if (d.currentReplicas() == 0) {
      return "the target has 0 replicas: scaling is disabled";
    }
    if (d.currentReplicas() > a.maxReplicas()) {
      return "current replicas are above maxReplicas";
    }
    return "current replicas are below minReplicas";
  }

  private static String describe(MetricSpec spec) {
    if (spec instanceof MetricSpec.ContainerResource r) {
      return "ContainerResource " + r.resource() + " of container " + r.container();
    }
    if (spec instanceof MetricSpec.Object o) {
      return "Object " + o.metricName() + " of " + o.describedObject();
    }
    if (spec instanceof MetricSpec.External e) {
      return "External " + e.metricName() + selector(e.selector());
    }
    if (spec instanceof MetricSpec.Pods p) {
      return "Pods " + p.metricName() + selector(p.selector());
    }
    return spec.type() + " " + spec.name();
  }

  private static String selector(LabelSelector s) {
    return s.isEmpty() ? "" : " {" + s + "}";
  }

  private static String behavior(Behavior b, ControllerSettings c) {
    if (b == null) {
      return "none: legacy rules (scale-up at most to max(2 × current, 4); scale-down stabilized"
          + " over "
          + c.downscaleStabilizationWindow().toSeconds()
          + "s)";
    }
    return "scaleUp " + rules(b.scaleUp(), c) + "; scaleDown " + rules(b.scaleDown(), c);
  }

  private static String rules(ScalingRules r, ControllerSettings c) {
    String window =
        r.stabilizationWindowSeconds() == null
            ? c.downscaleStabilizationWindow().toSeconds() + "s (controller)"
            : r.stabilizationWindowSeconds() + "s";
    return "[window "
        + window
        + ", "
        + r.selectPolicy().apiName()
        + " of "
        + r.policies()
        + (r.tolerance() == null ? "" : ", tolerance " + r.tolerance())
        + "]";
  }

  private static void pods(StringBuilder b, List<PodVerdict> verdicts) {
    if (verdicts.isEmpty()) {
      return;
    }
    Map<PodClass, List<PodVerdict>> byClass = new LinkedHashMap<>();
    for (PodClass pc : PodClass.values()) {
      byClass.put(pc, new ArrayList<>());
    }
    for (PodVerdict v : verdicts) {
      byClass.get(v.podClass()).add(v);
    }
    b.append("  pod classification:\n");
    for (Map.Entry<PodClass, List<PodVerdict>> e : byClass.entrySet()) {
      List<PodVerdict> list = e.getValue();
      if (list.isEmpty()) {
        continue;
      }
      b.append("    ").append(pad(e.getKey().name().toLowerCase(java.util.Locale.ROOT), 8));
      b.append(list.size()).append(": ");
      List<String> names = new ArrayList<>();
      for (int k = 0; k < Math.min(PODS_LISTED, list.size()); k++) {
        PodVerdict v = list.get(k);
        names.add(e.getKey() == PodClass.READY ? v.pod() : v.pod() + " (" + v.why() + ")");
      }
      b.append(String.join(", ", names));
      if (list.size() > PODS_LISTED) {
        b.append(", and ").append(list.size() - PODS_LISTED).append(" more");
      }
      b.append('\n');
    }
  }

  private static String pad(String s, int width) {
    StringBuilder b = new StringBuilder(s);
    while (b.length() < width) {
      b.append(' ');
    }
    return b.toString();
  }
}
