package dev.ballast.core.autoscale;

import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.policy.SizeDecision;
import dev.ballast.core.predict.ScaleAhead;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One autoscaling decision for a stateful cluster, with every number that led to it: the HPA
 * decision ({@code hpa}), the predictive proposal when prediction is on, the failure-policy hold
 * when metrics were missing, and the stateful rules ({@code sizing}) that produced {@code
 * desiredReplicas}. {@code memory} is the controller memory to carry to the next decision: the
 * HPA's recommendations with the scale events of the change this decision made (see {@link
 * dev.ballast.core.decide.DecisionEngine#memoryAfter}).
 */
public record AutoscaleDecision(
    Instant time,
    int currentReplicas,
    Decision hpa,
    Optional<ScaleAhead.Proposal> prediction,
    MetricsState metricsState,
    int proposedReplicas,
    SizeDecision sizing,
    History memory) {

  /** Whether the metrics the policy names could be read. */
  public enum MetricsState {
    /** Every metric produced a proposal. */
    AVAILABLE,
    /** Some metrics failed: the HPA scales up on the others and never down. */
    PARTIAL,
    /** No metric could be read: the failure policy decided. */
    UNAVAILABLE
  }

  public AutoscaleDecision {
    prediction = prediction == null ? Optional.empty() : prediction;
    memory = memory == null ? hpa.history() : memory;
  }

  /** The size the cluster should have after this decision. */
  public int desiredReplicas() {
    return sizing.replicas();
  }

  /** Whether the cluster should change size. */
  public boolean rescale() {
    return desiredReplicas() != currentReplicas;
  }

  /**
   * The reasons in the order they applied, for history records and {@code explain}: the HPA's own
   * reason, the prediction when it decided, the failure policy, then each stateful clamp.
   */
  public List<String> reasons() {
    List<String> out = new ArrayList<>();
    if (hpa.rescaleReason() != null && !hpa.rescaleReason().isBlank()) {
      out.add(hpa.rescaleReason());
    }
    prediction
        .filter(p -> p.source() == ScaleAhead.Source.PREDICTIVE)
        .ifPresent(
            p ->
                out.add(
                    "prediction asks for "
                        + p.predictive()
                        + " (reactive "
                        + p.reactive()
                        + "): starting members before the load arrives"));
    if (metricsState == MetricsState.UNAVAILABLE) {
      out.add("metrics unavailable: failure policy proposes " + proposedReplicas);
    } else if (metricsState == MetricsState.PARTIAL) {
      out.add("some metrics unavailable: scale-up only on the valid ones, no scale-down");
    }
    out.addAll(sizing.reasons());
    return List.copyOf(out);
  }
}
