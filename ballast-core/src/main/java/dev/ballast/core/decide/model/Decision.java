package dev.ballast.core.decide.model;

import java.util.List;
import java.util.Optional;

/**
 * The answer of one HPA decision: current and desired replicas, each metric's result, every rule
 * that changed the value, the HPA conditions after the decision, and the controller memory after it
 * ({@code history}, to chain decisions).
 */
public record Decision(
    int currentReplicas,
    int desiredReplicas,
    List<MetricResult> metrics,
    List<RuleApplication> rules,
    List<Condition> conditions,
    History history,
    String rescaleReason) {

  public Decision {
    metrics = List.copyOf(metrics);
    rules = List.copyOf(rules);
    conditions = List.copyOf(conditions);
  }

  /** True when the target's replica count changes. */
  public boolean rescale() {
    return desiredReplicas != currentReplicas;
  }

  public Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
  }
}
