package dev.ballast.core.autoscale;

import dev.ballast.core.autoscale.AutoscaleDecision.MetricsState;
import dev.ballast.core.decide.DecisionEngine;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.Snapshot;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.SizeDecision;
import dev.ballast.core.policy.SizeRules;
import dev.ballast.core.predict.ScaleAhead;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The autoscaler's decision for a stateful cluster, in the order the architecture fixes: the HPA
 * arithmetic ({@link DecisionEngine}), then prediction (the larger of the reactive and the
 * predictive proposal), then the failure policy when no metric could be read, then the stateful
 * rules (bounds, allowed sizes, shrink policy). Pure: the same inputs give the same decision.
 */
public final class AutoscalePipeline {
  private final DecisionEngine engine;
  private final SizeRules rules;

  public AutoscalePipeline(DecisionEngine engine, SizeRules rules) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  /** The standard pipeline: Kubernetes' HPA math and {@link SizeRules#standard()}. */
  public static AutoscalePipeline standard() {
    return new AutoscalePipeline(new DecisionEngine(), SizeRules.standard());
  }

  /**
   * Decides the size for {@code snapshot} under {@code policy}. {@code predictedReplicas} is the
   * members the forecast needs at the look-ahead horizon, empty when prediction is off or has no
   * forecast yet.
   */
  public AutoscaleDecision decide(
      Snapshot snapshot, ScalingPolicy policy, OptionalInt predictedReplicas) {
    Decision hpa = engine.decide(snapshot);
    int current = hpa.currentReplicas();
    MetricsState state = metricsState(hpa);

    int proposal = hpa.desiredReplicas();
    Optional<ScaleAhead.Proposal> prediction = Optional.empty();
    if (predictedReplicas.isPresent() && state == MetricsState.AVAILABLE) {
      // Prediction only ever adds members: it is never consulted on missing data.
      ScaleAhead.Proposal combined = ScaleAhead.combine(proposal, predictedReplicas.getAsInt());
      prediction = Optional.of(combined);
      proposal = combined.replicas();
    }
    if (state == MetricsState.UNAVAILABLE) {
      proposal =
          switch (policy.onMetricFailure()) {
            case HOLD -> current;
            case SCALE_TO_MAX -> Math.max(current, policy.maxReplicas());
          };
    }
    if (state != MetricsState.AVAILABLE) {
      // Never shrink on missing data, whatever any rule below would do with the proposal.
      proposal = Math.max(proposal, current);
    }
    SizeDecision sizing = rules.apply(proposal, current, policy);
    History memory = DecisionEngine.memoryAfter(snapshot, hpa, sizing.replicas());
    if (prediction.isPresent() && prediction.get().source() == ScaleAhead.Source.PREDICTIVE) {
      // The forecast's need is remembered like a recommendation: when it passes, the size is held
      // for the scale-down stabilization window rather than dropped at the next sync.
      memory =
          DecisionEngine.raiseRecommendation(memory, snapshot.now(), prediction.get().replicas());
    }
    return new AutoscaleDecision(
        snapshot.now(), current, hpa, prediction, state, proposal, sizing, memory);
  }

  private static MetricsState metricsState(Decision hpa) {
    long invalid = hpa.metrics().stream().filter(m -> !m.isValid()).count();
    if (invalid == 0) {
      return MetricsState.AVAILABLE;
    }
    return invalid == hpa.metrics().size() ? MetricsState.UNAVAILABLE : MetricsState.PARTIAL;
  }
}
