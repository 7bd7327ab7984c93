package dev.ballast.core.decide;

import static dev.ballast.core.decide.Scenarios.emptyHistory;
import static dev.ballast.core.decide.Scenarios.proposing;
import static dev.ballast.core.decide.TestPods.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.Condition;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.Recommendation;
import dev.ballast.core.decide.model.RuleApplication;
import dev.ballast.core.decide.model.ScaleEvent;
import dev.ballast.core.decide.model.ScalingPolicy;
import dev.ballast.core.decide.model.ScalingRules;
import dev.ballast.core.decide.model.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The controller's rules around the metric proposals, restated from the Kubernetes HPA controller's
 * tests: min/max, the legacy scale-up limit, disabled scaling, invalid metrics, stabilization,
 * behavior policies, conditions and memory.
 */
class DecisionEngineTest {

  private final DecisionEngine engine = new DecisionEngine();

  private static Condition condition(Decision d, String type) {
    return d.condition(type).orElseThrow(() -> new AssertionError("no condition " + type));
  }

  private static void assertCondition(Decision d, String type, boolean status, String reason) {
    Condition c = condition(d, type);
    assertEquals(status, c.status(), () -> type + " status; condition: " + c);
    assertEquals(reason, c.reason(), () -> type + " reason; condition: " + c);
  }

  private static boolean hasRule(Decision d, String rule, int before, int after) {
    for (RuleApplication r : d.rules()) {
      if (r.rule().equals(rule) && r.before() == before && r.after() == after) {
        return true;
      }
    }
    return false;
  }

  @Test
  void scalesUpOnCpuWithTheHpaConditions() {
    // given
    Snapshot s =
        Snapshot.builder()
            .now(NOW)
            .autoscaler(Autoscaler.of(1, 10, MetricSpec.cpuUtilization(30)))
            .readyPodsWithCpu(List.of(300L, 500L, 700L), 1000)
            .build();

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(3, d.currentReplicas());
    assertEquals(5, d.desiredReplicas());
    assertCondition(d, Condition.ABLE_TO_SCALE, true, "SucceededRescale");
    assertCondition(d, Condition.SCALING_ACTIVE, true, "ValidMetricFound");
    assertCondition(d, Condition.SCALING_LIMITED, false, "DesiredWithinRange");
    assertEquals(
        "the HPA was able to successfully calculate a replica count from cpu resource utilization"
            + " (percentage of request)",
        condition(d, Condition.SCALING_ACTIVE).message());
    assertEquals(
        "cpu resource utilization (percentage of request) above target", d.rescaleReason());
    assertTrue(hasRule(d, "metrics", 3, 5));
  }

  @Test
  void limitsALegacyScaleUpToTwiceTheCurrentReplicas() {
    // given: no behavior, 3 replicas, the metric asks for 30
    Snapshot s = proposing(3, 30, 1, 100, null, emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then: max(2 × 3, 4) = 6
    assertEquals(6, d.desiredReplicas());
    assertCondition(d, Condition.SCALING_LIMITED, true, "ScaleUpLimit");
    assertTrue(hasRule(d, "scaleUpLimit", 30, 6));
  }

  @Test
  void limitsALegacyScaleUpFromOneReplicaToFour() {
    // given
    Snapshot s = proposing(1, 30, 1, 100, null, emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then: max(2 × 1, 4) = 4
    assertEquals(4, d.desiredReplicas());
  }

  @Test
  void clampsToMaxReplicasWithTooManyReplicas() {
    // given: the limit would be 6 but maxReplicas is 4
    Snapshot s = proposing(3, 5, 1, 4, null, emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(4, d.desiredReplicas());
    assertCondition(d, Condition.SCALING_LIMITED, true, "TooManyReplicas");
    assertTrue(hasRule(d, "maxReplicas", 5, 4));
  }

  @Test
  void clampsToMinReplicasWithTooFewReplicas() {
    // given
    Snapshot s = proposing(5, 1, 2, 10, null, emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(2, d.desiredReplicas());
    assertCondition(d, Condition.SCALING_LIMITED, true, "TooFewReplicas");
    assertEquals("All metrics below target", d.rescaleReason());
  }

  @Test
  void holdsAScaleDownOnTheFirstReconcileBecauseTheControllerSeedsItsMemoryWithTheCurrentSize() {
    // given: history absent (null), legacy rules, 5 → 2 proposed
    Snapshot s = proposing(5, 2, 1, 10, null, null);

    // when
    Decision d = engine.decide(s);

    // then: the seeded recommendation of 5 is within the 300 s window
    assertEquals(5, d.desiredReplicas());
    assertCondition(d, Condition.ABLE_TO_SCALE, true, "ScaleDownStabilized");
    assertEquals(
        List.of(new Recommendation(NOW, 5), new Recommendation(NOW, 2)),
        d.history().recommendations());
  }

  @Test
  void scalesDownAtOnceWithAnEmptyRecommendationHistory() {
    // given
    Snapshot s = proposing(5, 2, 1, 10, null, emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(2, d.desiredReplicas());
    assertCondition(d, Condition.ABLE_TO_SCALE, true, "SucceededRescale");
  }

  @Test
  void legacyStabilizationTakesTheHighestRecommendationInTheWindowAndReplacesAnOldOne() {
    // given: 6 recommended 60 s ago (in the 300 s window), 9 recommended 400 s ago (outside)
    History h =
        History.of(
            List.of(
                new Recommendation(NOW.minusSeconds(60), 6),
                new Recommendation(NOW.minusSeconds(400), 9)));
    Snapshot s = proposing(7, 3, 1, 10, null, h);

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(6, d.desiredReplicas());
    assertCondition(d, Condition.ABLE_TO_SCALE, true, "SucceededRescale");
    assertTrue(hasRule(d, "scaleDownStabilization", 3, 6));
    assertEquals(
        List.of(new Recommendation(NOW.minusSeconds(60), 6), new Recommendation(NOW, 3)),
        d.history().recommendations());
  }

  @Test
  void disablesScalingWhenTheTargetHasZeroReplicas() {
    // given
    Snapshot s = proposing(0, 5, 1, 10, null, emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(0, d.desiredReplicas());
    assertCondition(d, Condition.SCALING_ACTIVE, false, "ScalingDisabled");
    assertTrue(d.metrics().isEmpty(), "no metric is evaluated");
  }

  @Test
  void bringsReplicasAboveMaxDownToMaxWithoutReadingMetrics() {
    // given
    Snapshot s = proposing(12, 20, 1, 10, null, emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(10, d.desiredReplicas());
    assertEquals("Current number of replicas above Spec.MaxReplicas", d.rescaleReason());
    assertTrue(d.metrics().isEmpty());
  }

  @Test
  void bringsReplicasBelowMinUpToMin() {
    // given
    Snapshot s = proposing(1, 1, 3, 10, null, emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(3, d.desiredReplicas());
    assertEquals("Current number of replicas below Spec.MinReplicas", d.rescaleReason());
  }

  @Test
  void takesTheLargestProposalOfSeveralMetrics() {
    // given: cpu proposes 5, the Pods metric (20 per pod at a target of 10) proposes 6
    Snapshot s =
        Snapshot.builder()
            .now(NOW)
            .autoscaler(
                Autoscaler.of(
                    1,
                    20,
                    MetricSpec.cpuUtilization(30),
                    MetricSpec.pods("qps", MetricTarget.averageValue(10))))
            .readyPodsWithCpu(List.of(300L, 500L, 700L), 1000)
            .metricForPods("qps", List.of(20_000L, 20_000L, 20_000L))
            .build();

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(5, d.metrics().get(0).proposedReplicas());
    assertEquals(6, d.metrics().get(1).proposedReplicas());
    assertEquals(6, d.desiredReplicas());
    assertEquals("pods metric qps above target", d.rescaleReason());
  }

  @Test
  void scalesUpOnTheValidMetricsWhenAnotherMetricIsInvalid() {
    // given: the backlog proposes 8; the cpu metric has no samples
    Snapshot base = proposing(4, 8, 1, 20, null, emptyHistory());
    Snapshot s =
        withMetrics(
            base, List.of(MetricSpec.cpuUtilization(50), base.autoscaler().metrics().get(0)));

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(8, d.desiredReplicas());
    assertNull(d.metrics().get(0).proposedReplicas());
    assertCondition(d, Condition.SCALING_ACTIVE, true, "ValidMetricFound");
  }

  @Test
  void neverScalesDownWhileAnyMetricIsInvalid() {
    // given: the backlog proposes 2 of 4; the cpu metric has no samples
    Snapshot base = proposing(4, 2, 1, 20, null, emptyHistory());
    Snapshot s =
        withMetrics(
            base, List.of(MetricSpec.cpuUtilization(50), base.autoscaler().metrics().get(0)));

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(4, d.desiredReplicas());
    assertCondition(d, Condition.SCALING_ACTIVE, false, "FailedGetResourceMetric");
    assertTrue(hasRule(d, "invalidMetrics", 2, 4));
    assertEquals(
        "the HPA was unable to compute the replica count: failed to get cpu utilization: unable"
            + " to get metrics for resource cpu: no metrics returned from resource metrics API",
        condition(d, Condition.SCALING_ACTIVE).message());
    assertEquals(emptyHistory().recommendations(), d.history().recommendations());
  }

  @Test
  void holdsWithTheFirstInvalidMetricsReasonWhenEveryMetricIsInvalid() {
    // given
    Snapshot base = proposing(4, 2, 1, 20, null, emptyHistory());
    Snapshot s =
        withMetrics(
            base,
            List.of(
                MetricSpec.pods("qps", MetricTarget.averageValue(1)),
                MetricSpec.cpuUtilization(50)));

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(4, d.desiredReplicas());
    assertCondition(d, Condition.SCALING_ACTIVE, false, "FailedGetPodsMetric");
    assertEquals(
        "failed to get pods metric value: unable to get metric qps: no metrics returned from"
            + " custom metrics API",
        d.metrics().get(0).error());
  }

  private static Snapshot withMetrics(Snapshot s, List<MetricSpec> metrics) {
    return new Snapshot(
        s.now(),
        s.controller(),
        s.autoscaler().withMetrics(metrics),
        s.scale(),
        s.pods(),
        s.podMetrics(),
        s.customMetrics(),
        s.externalMetrics(),
        s.history());
  }

  @Test
  void defaultBehaviorScalesUpByTheLargerOfFourPodsAndOneHundredPercent() {
    // given: behavior {} (all defaults), 10 → 50 proposed
    Snapshot s = proposing(10, 50, 1, 100, Behavior.defaults(), emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then: max(10 + 4, 10 × 2) = 20
    assertEquals(20, d.desiredReplicas());
    assertCondition(d, Condition.SCALING_LIMITED, true, "ScaleUpLimit");
    assertEquals(List.of(new ScaleEvent(NOW, 10)), d.history().scaleUpEvents());
  }

  @Test
  void minSelectPolicyTakesTheSmallestScaleUp() {
    // given
    Behavior b =
        Behavior.of(ScalingRules.unset().withSelectPolicy(ScalingRules.SelectPolicy.MIN), null);
    Snapshot s = proposing(10, 50, 1, 100, b, emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then: min(10 + 4, 10 × 2) = 14
    assertEquals(14, d.desiredReplicas());
  }

  @Test
  void scaleUpsWithinThePolicyPeriodCountAgainstTheLimit() {
    // given: 5 replicas were added 10 s ago; 4 pods per 15 s are allowed
    Behavior b = Behavior.of(ScalingRules.unset().withPolicies(ScalingPolicy.pods(4, 15)), null);
    History h = emptyHistory().withScaleUpEvents(List.of(new ScaleEvent(NOW.minusSeconds(10), 5)));
    Snapshot s = proposing(10, 50, 1, 100, b, h);

    // when
    Decision d = engine.decide(s);

    // then: the period started at 5, 5 + 4 = 9 < 10, so no scale-up until the period passes
    assertEquals(10, d.desiredReplicas());
    assertCondition(d, Condition.SCALING_LIMITED, true, "ScaleUpLimit");
    assertCondition(d, Condition.ABLE_TO_SCALE, true, "ReadyForNewScale");
  }

  @Test
  void disabledScaleDownNeverShrinks() {
    // given
    Behavior b =
        Behavior.of(
            null,
            ScalingRules.unset()
                .withSelectPolicy(ScalingRules.SelectPolicy.DISABLED)
                .withStabilizationWindowSeconds(0));
    Snapshot s = proposing(5, 2, 1, 10, b, emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(5, d.desiredReplicas());
    assertCondition(d, Condition.SCALING_LIMITED, true, "ScaleDownLimit");
  }

  @Test
  void percentScaleDownPolicyStartsFromTheReplicasAtThePeriodStart() {
    // given: 50 % per 60 s; 2 replicas were removed 30 s ago, so the period started at 12
    Behavior b =
        Behavior.of(
            null,
            ScalingRules.unset()
                .withPolicies(ScalingPolicy.percent(50, 60))
                .withStabilizationWindowSeconds(0));
    History h =
        emptyHistory().withScaleDownEvents(List.of(new ScaleEvent(NOW.minusSeconds(30), 2)));
    Snapshot s = proposing(10, 1, 1, 20, b, h);

    // when
    Decision d = engine.decide(s);

    // then: 12 × 0.5 = 6
    assertEquals(6, d.desiredReplicas());
    assertCondition(d, Condition.SCALING_LIMITED, true, "ScaleDownLimit");
    assertEquals(
        List.of(new ScaleEvent(NOW.minusSeconds(30), 2), new ScaleEvent(NOW, 4)),
        d.history().scaleDownEvents());
  }

  @Test
  void behaviorScaleDownWindowDefaultsToTheControllerWindow() {
    // given: scaleDown given with policies only; a recommendation of 8 from 200 s ago
    Behavior b = Behavior.of(null, ScalingRules.unset().withPolicies(ScalingPolicy.pods(10, 60)));
    History h = History.of(List.of(new Recommendation(NOW.minusSeconds(200), 8)));
    Snapshot s = proposing(8, 3, 1, 10, b, h);

    // when
    Decision d = engine.decide(s);

    // then: the controller's 300 s window keeps 8
    assertEquals(8, d.desiredReplicas());
    assertCondition(d, Condition.ABLE_TO_SCALE, true, "ScaleDownStabilized");
  }

  @Test
  void behaviorStabilizationUsesOnlyRecommendationsInsideEachWindow() {
    // given: scale-down window 60 s; 6 was recommended 30 s ago, 8 recommended 90 s ago
    Behavior b = Behavior.of(null, ScalingRules.unset().withStabilizationWindowSeconds(60));
    History h =
        History.of(
            List.of(
                new Recommendation(NOW.minusSeconds(30), 6),
                new Recommendation(NOW.minusSeconds(90), 8)));
    Snapshot s = proposing(8, 3, 1, 10, b, h);

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(6, d.desiredReplicas());
    assertTrue(hasRule(d, "scaleDownStabilization", 3, 6));
    // the 90 s old sample is outside both windows (0 s up, 60 s down) and is replaced
    assertEquals(
        List.of(new Recommendation(NOW.minusSeconds(30), 6), new Recommendation(NOW, 3)),
        d.history().recommendations());
  }

  @Test
  void scaleUpStabilizationTakesTheLowestRecentRecommendation() {
    // given: scale-up window 120 s; 4 was recommended 60 s ago
    Behavior b = Behavior.of(ScalingRules.unset().withStabilizationWindowSeconds(120), null);
    History h = History.of(List.of(new Recommendation(NOW.minusSeconds(60), 4)));
    Snapshot s = proposing(3, 9, 1, 10, b, h);

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(4, d.desiredReplicas());
    assertTrue(hasRule(d, "scaleUpStabilization", 9, 4));
  }

  @Test
  void legacyPathStoresNoScaleEvents() {
    // given
    Snapshot s = proposing(3, 5, 1, 10, null, emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(5, d.desiredReplicas());
    assertTrue(d.history().scaleUpEvents().isEmpty());
  }

  @Test
  void keepsAConditionsTransitionTimeWhileItsStatusHolds() {
    // given
    Instant earlier = NOW.minus(Duration.ofHours(1));
    Snapshot base = proposing(3, 3, 1, 10, null, emptyHistory());
    Snapshot s =
        new Snapshot(
            base.now(),
            base.controller(),
            base.autoscaler()
                .withConditions(
                    List.of(
                        new Condition(
                            Condition.SCALING_ACTIVE, true, "ValidMetricFound", "", earlier),
                        new Condition(
                            Condition.SCALING_LIMITED, true, "TooManyReplicas", "", earlier))),
            base.scale(),
            base.pods(),
            base.podMetrics(),
            base.customMetrics(),
            base.externalMetrics(),
            base.history());

    // when
    Decision d = engine.decide(s);

    // then
    assertEquals(earlier, condition(d, Condition.SCALING_ACTIVE).lastTransitionTime());
    assertEquals(NOW, condition(d, Condition.SCALING_LIMITED).lastTransitionTime());
    assertFalse(condition(d, Condition.SCALING_LIMITED).status());
  }

  @Test
  void chainsDecisionsThroughTheHistory() {
    // given: first a scale-down held by the seeded memory, then 301 s later
    Snapshot first = proposing(5, 2, 1, 10, null, null);
    Decision d1 = engine.decide(first);

    // when
    Decision d2 = engine.decide(first.withNow(NOW.plusSeconds(301)).withHistory(d1.history()));

    // then: both samples are now older than 300 s... the first, at NOW, is replaced
    assertEquals(5, d1.desiredReplicas());
    assertEquals(2, d2.desiredReplicas());
  }
}
