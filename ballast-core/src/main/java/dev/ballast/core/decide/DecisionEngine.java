package dev.ballast.core.decide;

import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.Condition;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.MetricResult;
import dev.ballast.core.decide.model.Recommendation;
import dev.ballast.core.decide.model.RuleApplication;
import dev.ballast.core.decide.model.ScaleEvent;
import dev.ballast.core.decide.model.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes HPA controller's replica decision ({@code autoscaling/v2}), exactly: per-metric
 * proposals, the largest of them, invalid-metric rules, stabilization, rate limits and min/max,
 * with the HPA's conditions and memory. Pure and stateless: the memory travels in the snapshot's
 * and the decision's {@link History}; time is the snapshot's {@code now}.
 */
public final class DecisionEngine {

  /** Decides one reconcile of the autoscaler described by {@code snapshot}. */
  public Decision decide(Snapshot snapshot) {
    return new Run(snapshot).decide();
  }

  /**
   * The controller memory after {@code decision} when the target was actually set to {@code
   * applied} rather than to the HPA's own {@code desiredReplicas} (a stateful rule rounded it to an
   * allowed size, or held it): the stabilization recommendations stay the HPA's, and the scale
   * events (which the {@code behavior} rate policies count) record the change that was made, as the
   * controller records the scale it wrote, counted from the memory {@code snapshot} started from.
   */
  public static History memoryAfter(Snapshot snapshot, Decision decision, int applied) {
    History before = snapshot.history();
    History after = decision.history();
    Behavior behavior = snapshot.autoscaler().behavior();
    int current = decision.currentReplicas();
    List<ScaleEvent> ups = before.scaleUpEvents();
    List<ScaleEvent> downs = before.scaleDownEvents();
    if (behavior != null && applied > current) {
      ups =
          RateLimits.store(
              ups, applied - current, behavior.scaleUp().longestPeriodSeconds(), snapshot.now());
    } else if (behavior != null && applied < current) {
      downs =
          RateLimits.store(
              downs,
              current - applied,
              behavior.scaleDown().longestPeriodSeconds(),
              snapshot.now());
    }
    return new History(after.recommendations(), ups, downs);
  }

  /**
   * {@code memory} with the recommendation recorded at {@code now} raised to {@code replicas} when
   * it was lower: a proposal made on other grounds than the metrics (a forecast) then holds off a
   * scale-down for the stabilization window, as the HPA's own recommendations do, instead of the
   * size dropping the moment the forecast stops asking for it. Unchanged when nothing was recorded
   * at {@code now}.
   */
  public static History raiseRecommendation(History memory, Instant now, int replicas) {
    if (memory.recommendations() == null) {
      return memory;
    }
    List<Recommendation> out = new ArrayList<>(memory.recommendations());
    for (int i = 0; i < out.size(); i++) {
      Recommendation r = out.get(i);
      if (r.timestamp().equals(now) && r.replicas() < replicas) {
        out.set(i, new Recommendation(now, replicas));
      }
    }
    return new History(out, memory.scaleUpEvents(), memory.scaleDownEvents());
  }

  /** The state of one decision. */
  private static final class Run {
    private final Snapshot s;
    private final Instant now;
    private final Autoscaler hpa;
    private final int current;
    private final Conditions conditions;
    private final List<RuleApplication> rules = new ArrayList<>();
    private List<Recommendation> recommendations;
    private List<ScaleEvent> scaleUpEvents;
    private List<ScaleEvent> scaleDownEvents;

    Run(Snapshot s) {
      this.s = s;
      this.now = s.now();
      this.hpa = s.autoscaler();
      this.current = s.scale().specReplicas();
      this.conditions = new Conditions(hpa.conditions(), now);
      History h = s.history();
      // A controller that has never seen this autoscaler seeds its memory with the current size.
      this.recommendations =
          h.recommendations() == null
              ? List.of(new Recommendation(now, current))
              : h.recommendations();
      this.scaleUpEvents = h.scaleUpEvents();
      this.scaleDownEvents = h.scaleDownEvents();
    }

    Decision decide() {
      conditions.set(
          Condition.ABLE_TO_SCALE,
          true,
          "SucceededGetScale",
          "the HPA controller was able to get the target's current scale");
      int min = hpa.minReplicas();
      int max = hpa.maxReplicas();
      List<MetricResult> metrics = List.of();
      int desired;
      boolean rescale = true;
      String rescaleReason = "";

      if (current == 0 && min != 0) {
        desired = 0;
        rescale = false;
        conditions.set(
            Condition.SCALING_ACTIVE,
            false,
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero");
        rules.add(
            new RuleApplication(
                "scalingDisabled", 0, 0, "the target has 0 replicas: autoscaling is off"));
      } else if (current > max) {
        rescaleReason = "Current number of replicas above Spec.MaxReplicas";
        desired = max;
        rules.add(
            new RuleApplication(
                "maxReplicas", current, max, "current replicas above maxReplicas " + max));
      } else if (current < min) {
        rescaleReason = "Current number of replicas below Spec.MinReplicas";
        desired = min;
        rules.add(
            new RuleApplication(
                "minReplicas", current, min, "current replicas below minReplicas " + min));
      } else {
        String selectorProblem = selectorProblem();
        if (selectorProblem != null) {
          // The controller checks the Scale's selector before any metric and keeps the size.
          conditions.set(Condition.SCALING_ACTIVE, false, "InvalidSelector", selectorProblem);
          rules.add(
              new RuleApplication(
                  "invalidSelector",
                  current,
                  current,
                  selectorProblem + ": keep the current size"));
          return finish(current, List.of(), false, "");
        }
        MetricsOutcome outcome = computeReplicasForMetrics();
        metrics = outcome.results();
        if (outcome.hold()) {
          return finish(current, metrics, false, "");
        }
        desired = 0;
        String rescaleMetric = "";
        if (outcome.replicas() > desired) {
          desired = outcome.replicas();
          rescaleMetric = outcome.metricName();
        }
        if (desired > current) {
          rescaleReason = rescaleMetric + " above target";
        }
        if (desired < current) {
          rescaleReason = "All metrics below target";
        }
        desired =
            hpa.behavior() == null
                ? normalizeLegacy(desired, min, max)
                : normalizeWithBehavior(hpa.behavior(), desired, min, max);
        rescale = desired != current;
      }
      return finish(desired, metrics, rescale, rescaleReason);
    }

    /**
     * Why the Scale's {@code status.selector} stops autoscaling (empty, or not a label selector),
     * or null when it is fine or no selector is involved.
     */
    private String selectorProblem() {
      String selector = s.scale().selector();
      if (selector == null) {
        return null;
      }
      if (selector.isEmpty()) {
        return "the HPA target's scale is missing a selector";
      }
      String problem = SelectorSyntax.problem(selector);
      return problem == null
          ? null
          : "couldn't convert selector into a corresponding internal selector object: "
              + "unable to parse requirement: "
              + problem;
    }

    private Decision finish(
        int desired, List<MetricResult> metrics, boolean rescale, String rescaleReason) {
      if (rescale) {
        conditions.set(
            Condition.ABLE_TO_SCALE,
            true,
            "SucceededRescale",
            "the HPA controller was able to update the target scale to " + desired);
        storeScaleEvent(desired);
      } else {
        desired = current;
        rescaleReason = "";
      }
      return new Decision(
          current,
          desired,
          metrics,
          rules,
          conditions.toList(),
          new History(recommendations, scaleUpEvents, scaleDownEvents),
          rescaleReason);
    }

    // -------------------------------------------------------------------------------- metrics

    private record MetricsOutcome(
        List<MetricResult> results, int replicas, String metricName, boolean hold) {}

    private MetricsOutcome computeReplicasForMetrics() {
      Tolerances tolerances = Tolerances.of(s.controller(), hpa.behavior());
      ReplicaCalculator calc = new ReplicaCalculator(s, tolerances);
      List<MetricResult> results = new ArrayList<>();
      int replicas = 0;
      String metricName = "";
      int invalid = 0;
      ReplicaCalculator.Computed firstInvalid = null;
      StringBuilder proposals = new StringBuilder();
      for (var spec : hpa.metrics()) {
        ReplicaCalculator.Computed c = calc.compute(spec);
        results.add(c.result());
        if (!c.result().isValid()) {
          if (invalid == 0) {
            firstInvalid = c;
          }
          invalid++;
          continue;
        }
        for (RuleApplication r : c.rules()) {
          rules.add(
              new RuleApplication(
                  r.rule(),
                  r.before(),
                  r.after(),
                  spec.type() + " " + spec.name() + ": " + r.reason()));
        }
        int p = c.result().proposedReplicas();
        proposals
            .append(proposals.isEmpty() ? "" : ", ")
            .append(spec.name())
            .append(" → ")
            .append(p);
        if (replicas == 0 || p > replicas) {
          replicas = p;
          metricName = c.metricName();
        }
      }
      int specReplicas = s.scale().specReplicas();
      if (invalid >= hpa.metrics().size() || (invalid > 0 && replicas < specReplicas)) {
        conditions.set(
            Condition.SCALING_ACTIVE,
            false,
            firstInvalid.conditionReason(),
            firstInvalid.conditionMessage());
        String why =
            invalid >= hpa.metrics().size()
                ? "no metric could be computed ("
                    + invalid
                    + " invalid out of "
                    + hpa.metrics().size()
                    + "): keep the current size"
                : invalid
                    + " of "
                    + hpa.metrics().size()
                    + " metrics invalid: no scale-down while any metric is invalid";
        rules.add(
            new RuleApplication(
                "invalidMetrics",
                invalid >= hpa.metrics().size() ? current : replicas,
                current,
                why));
        return new MetricsOutcome(results, -1, "", true);
      }
      conditions.set(
          Condition.SCALING_ACTIVE,
          true,
          "ValidMetricFound",
          "the HPA was able to successfully calculate a replica count from " + metricName);
      if (replicas != current) {
        String why =
            hpa.metrics().size() > 1
                ? "largest proposal of [" + proposals + "] from " + metricName
                : "proposal from " + metricName;
        if (invalid > 0) {
          why += " (" + invalid + " invalid metrics ignored on a scale-up)";
        }
        rules.add(new RuleApplication("metrics", current, replicas, why));
      }
      return new MetricsOutcome(results, replicas, metricName, false);
    }

    // -------------------------------------------------------------------------- normalization

    private int normalizeLegacy(int proposal, int min, int max) {
      Stabilization.Result st =
          Stabilization.legacy(
              recommendations, proposal, now, s.controller().downscaleStabilizationWindow());
      recommendations = st.recommendations();
      int stabilized = st.recommendation();
      if (stabilized != proposal) {
        conditions.set(
            Condition.ABLE_TO_SCALE,
            true,
            "ScaleDownStabilized",
            "recent recommendations were higher than current one, applying the highest recent"
                + " recommendation");
        rules.add(
            new RuleApplication(
                "scaleDownStabilization",
                proposal,
                stabilized,
                "highest recommendation within the controller's downscale stabilization window of "
                    + s.controller().downscaleStabilizationWindow().toSeconds()
                    + "s"));
      } else {
        conditions.set(
            Condition.ABLE_TO_SCALE,
            true,
            "ReadyForNewScale",
            "recommended size matches current size");
      }

      int scaleUpLimit = RateLimits.legacyScaleUpLimit(current);
      int maxAllowed;
      String reason;
      String message;
      String rule;
      if (max > scaleUpLimit) {
        maxAllowed = scaleUpLimit;
        reason = "ScaleUpLimit";
        message = "the desired replica count is increasing faster than the maximum scale rate";
        rule = "scaleUpLimit";
      } else {
        maxAllowed = max;
        reason = "TooManyReplicas";
        message = "the desired replica count is more than the maximum replica count";
        rule = "maxReplicas";
      }
      int desired = stabilized;
      if (stabilized < min) {
        reason = "TooFewReplicas";
        message = "the desired replica count is less than the minimum replica count";
        desired = min;
        rules.add(new RuleApplication("minReplicas", stabilized, min, "minReplicas is " + min));
      } else if (stabilized > maxAllowed) {
        desired = maxAllowed;
        rules.add(
            new RuleApplication(
                rule,
                stabilized,
                maxAllowed,
                rule.equals("scaleUpLimit")
                    ? "without behavior a scale-up goes at most to max(2 × "
                        + current
                        + ", 4) = "
                        + scaleUpLimit
                    : "maxReplicas is " + max));
      } else {
        reason = "DesiredWithinRange";
        message = "the desired count is within the acceptable range";
      }
      conditions.set(Condition.SCALING_LIMITED, desired != stabilized, reason, message);
      return desired;
    }

    private int normalizeWithBehavior(Behavior behavior, int proposal, int min, int max) {
      int downWindow =
          behavior.scaleDown().stabilizationWindowSeconds() != null
              ? behavior.scaleDown().stabilizationWindowSeconds()
              : (int) s.controller().downscaleStabilizationWindow().toSeconds();
      int upWindow = behavior.scaleUp().stabilizationWindowSeconds();
      Stabilization.Result st =
          Stabilization.withBehavior(recommendations, current, proposal, now, upWindow, downWindow);
      recommendations = st.recommendations();
      int stabilized = st.recommendation();
      if (stabilized != proposal) {
        boolean up = proposal >= current;
        conditions.set(
            Condition.ABLE_TO_SCALE,
            true,
            up ? "ScaleUpStabilized" : "ScaleDownStabilized",
            up
                ? "recent recommendations were lower than current one, applying the lowest recent"
                    + " recommendation"
                : "recent recommendations were higher than current one, applying the highest"
                    + " recent recommendation");
        rules.add(
            new RuleApplication(
                up ? "scaleUpStabilization" : "scaleDownStabilization",
                proposal,
                stabilized,
                up
                    ? "lowest recommendation within behavior.scaleUp's window of " + upWindow + "s"
                    : "highest recommendation within behavior.scaleDown's window of "
                        + downWindow
                        + "s"));
      } else {
        conditions.set(
            Condition.ABLE_TO_SCALE,
            true,
            "ReadyForNewScale",
            "recommended size matches current size");
      }

      int desired = stabilized;
      String reason = "DesiredWithinRange";
      String message = "the desired count is within the acceptable range";
      if (stabilized > current) {
        RateLimits.Limit limit =
            RateLimits.scaleUpLimit(
                current, scaleUpEvents, scaleDownEvents, behavior.scaleUp(), now);
        int scaleUpLimit = Math.max(limit.value(), current);
        int maxAllowed;
        String rule;
        if (max > scaleUpLimit) {
          maxAllowed = scaleUpLimit;
          rule = "scaleUpLimit";
        } else {
          maxAllowed = max;
          rule = "maxReplicas";
        }
        if (stabilized > maxAllowed) {
          desired = maxAllowed;
          if (rule.equals("scaleUpLimit")) {
            reason = "ScaleUpLimit";
            message = "the desired replica count is increasing faster than the maximum scale rate";
          } else {
            reason = "TooManyReplicas";
            message = "the desired replica count is more than the maximum replica count";
          }
          rules.add(
              new RuleApplication(
                  rule,
                  stabilized,
                  maxAllowed,
                  rule.equals("scaleUpLimit")
                      ? "behavior.scaleUp allows at most "
                          + scaleUpLimit
                          + " now ("
                          + describe(behavior.scaleUp().selectPolicy().apiName(), limit)
                          + ")"
                      : "maxReplicas is " + max));
        }
      } else if (stabilized < current) {
        RateLimits.Limit limit =
            RateLimits.scaleDownLimit(
                current, scaleUpEvents, scaleDownEvents, behavior.scaleDown(), now);
        int scaleDownLimit = Math.min(limit.value(), current);
        int minAllowed;
        String rule;
        if (min < scaleDownLimit) {
          minAllowed = scaleDownLimit;
          rule = "scaleDownLimit";
        } else {
          minAllowed = min;
          rule = "minReplicas";
        }
        if (stabilized < minAllowed) {
          desired = minAllowed;
          if (rule.equals("scaleDownLimit")) {
            reason = "ScaleDownLimit";
            message = "the desired replica count is decreasing faster than the maximum scale rate";
          } else {
            reason = "TooFewReplicas";
            message = "the desired replica count is less than the minimum replica count";
          }
          rules.add(
              new RuleApplication(
                  rule,
                  stabilized,
                  minAllowed,
                  rule.equals("scaleDownLimit")
                      ? "behavior.scaleDown allows at least "
                          + scaleDownLimit
                          + " now ("
                          + describe(behavior.scaleDown().selectPolicy().apiName(), limit)
                          + ")"
                      : "minReplicas is " + min));
        }
      }
      conditions.set(Condition.SCALING_LIMITED, desired != stabilized, reason, message);
      return desired;
    }

    private static String describe(String selectPolicy, RateLimits.Limit limit) {
      if (limit.bounds().isEmpty()) {
        return "selectPolicy " + selectPolicy + ": scaling in this direction is disabled";
      }
      return "selectPolicy " + selectPolicy + " of " + limit.bounds();
    }

    private void storeScaleEvent(int desired) {
      Behavior behavior = hpa.behavior();
      if (behavior == null) {
        // Without behavior the controller keeps no scale events: nothing reads them.
        return;
      }
      if (desired > current) {
        scaleUpEvents =
            RateLimits.store(
                scaleUpEvents, desired - current, behavior.scaleUp().longestPeriodSeconds(), now);
      } else {
        scaleDownEvents =
            RateLimits.store(
                scaleDownEvents,
                current - desired,
                behavior.scaleDown().longestPeriodSeconds(),
                now);
      }
    }
  }
}
