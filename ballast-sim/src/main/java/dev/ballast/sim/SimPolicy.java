package dev.ballast.sim;

import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.ControllerSettings;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.predict.PredictionSettings;
import java.util.Objects;

/**
 * One policy to simulate: a name, the stateful rules ({@link ScalingPolicy}: bounds, allowed sizes,
 * shrink, quorum guard), the scaling target, the autoscaling/v2 {@code behavior} (null: the HPA's
 * legacy rules), the controller settings (tolerance...), the prediction settings, and optionally
 * the workload model it was written with.
 */
public record SimPolicy(
    String name,
    ScalingPolicy scaling,
    Target target,
    Behavior behavior,
    ControllerSettings controller,
    PredictionSettings prediction,
    WorkloadModel workload) {

  public SimPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scaling, "scaling");
    Objects.requireNonNull(target, "target");
    controller = controller == null ? ControllerSettings.DEFAULTS : controller;
    prediction = prediction == null ? PredictionSettings.disabled() : prediction;
  }

  /**
   * The plain-HPA baseline for this policy's target and bounds: default behavior, no allowed sizes,
   * shrinking allowed, no quorum guard, no prediction. Named {@code hpa}.
   */
  public SimPolicy plainHpa() {
    ScalingPolicy plain =
        ScalingPolicy.builder()
            .minReplicas(scaling.minReplicas())
            .maxReplicas(scaling.maxReplicas())
            .quorumGuard(dev.ballast.core.policy.QuorumGuard.NONE)
            .build();
    return new SimPolicy(
        "hpa",
        plain,
        target,
        Behavior.defaults(),
        ControllerSettings.DEFAULTS,
        PredictionSettings.disabled(),
        workload);
  }

  public SimPolicy withName(String value) {
    return new SimPolicy(value, scaling, target, behavior, controller, prediction, workload);
  }

  public SimPolicy withPrediction(PredictionSettings value) {
    return new SimPolicy(name, scaling, target, behavior, controller, value, workload);
  }
}
