package dev.ballast.core.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.autoscale.AutoscaleDecision.MetricsState;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.ScalingRules;
import dev.ballast.core.decide.model.Snapshot;
import dev.ballast.core.policy.ClampReason;
import dev.ballast.core.policy.OnMetricFailure;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.core.predict.ScaleAhead;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AutoscalePipelineTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final String METRIC = "requests_per_second";

  private final AutoscalePipeline pipeline = AutoscalePipeline.standard();

  /** Three members, a Pods metric with target 100/s per member, per-member values in units. */
  private static Snapshot snapshot(Long... perMember) {
    return snapshotWith(null, perMember);
  }

  /** Like {@link #snapshot(Long...)} with {@code behavior} (null: the legacy rules). */
  private static Snapshot snapshotWith(Behavior behavior, Long... perMember) {
    List<Long> milli = Arrays.stream(perMember).map(v -> v == null ? null : v * 1000).toList();
    return Snapshot.builder()
        .now(NOW)
        .replicas(perMember.length)
        .autoscaler(
            Autoscaler.of(1, 9, MetricSpec.pods(METRIC, MetricTarget.averageValue(100)))
                .withBehavior(behavior))
        .readyPodsWithMetric(METRIC, milli)
        .build();
  }

  private static ScalingPolicy policy(ShrinkPolicy shrink, Integer... allowed) {
    return ScalingPolicy.builder()
        .minReplicas(3)
        .maxReplicas(7)
        .allowedReplicas(List.of(allowed))
        .shrink(shrink)
        .build();
  }

  @Test
  void roundsAnHpaProposalOfFourUpToTheNextAllowedSize() {
    // given: 3 members at 130/s each against a target of 100/s → the HPA asks for ceil(3.9) = 4
    Snapshot snapshot = snapshot(130L, 130L, 130L);

    // when
    AutoscaleDecision decision =
        pipeline.decide(snapshot, policy(ShrinkPolicy.ALLOWED, 3, 5, 7), OptionalInt.empty());

    // then
    assertThat(decision.hpa().desiredReplicas()).isEqualTo(4);
    assertThat(decision.desiredReplicas()).isEqualTo(5);
    assertThat(decision.sizing().clamps())
        .extracting(c -> c.reason())
        .containsExactly(ClampReason.NOT_ALLOWED_SIZE);
    assertThat(decision.metricsState()).isEqualTo(MetricsState.AVAILABLE);
  }

  @Test
  void holdsTheCurrentSizeWhenNoMetricCanBeRead() {
    // given: no member reported the metric
    Snapshot snapshot = snapshot(null, null, null);

    // when
    AutoscaleDecision decision =
        pipeline.decide(snapshot, policy(ShrinkPolicy.ALLOWED), OptionalInt.of(7));

    // then: held, and prediction was not consulted on missing data
    assertThat(decision.metricsState()).isEqualTo(MetricsState.UNAVAILABLE);
    assertThat(decision.desiredReplicas()).isEqualTo(3);
    assertThat(decision.rescale()).isFalse();
    assertThat(decision.prediction()).isEmpty();
    assertThat(decision.reasons()).anyMatch(r -> r.contains("metrics unavailable"));
  }

  @Test
  void scalesToMaxOnMissingMetricsWhenThePolicySaysSo() {
    // given
    Snapshot snapshot = snapshot(null, null, null);
    ScalingPolicy policy =
        ScalingPolicy.builder()
            .minReplicas(3)
            .maxReplicas(7)
            .onMetricFailure(OnMetricFailure.SCALE_TO_MAX)
            .build();

    // when
    AutoscaleDecision decision = pipeline.decide(snapshot, policy, OptionalInt.empty());

    // then
    assertThat(decision.desiredReplicas()).isEqualTo(7);
  }

  @Test
  void neverShrinksWhenShrinkIsDisabled() {
    // given: 5 members nearly idle and no downscale stabilization → the HPA alone would shrink
    Snapshot idle = snapshot(1L, 1L, 1L, 1L, 1L);
    Behavior noStabilization =
        Behavior.of(
            Behavior.DEFAULT_SCALE_UP,
            Behavior.DEFAULT_SCALE_DOWN.withStabilizationWindowSeconds(0));
    Snapshot snapshot =
        Snapshot.builder()
            .now(NOW)
            .replicas(5)
            .autoscaler(idle.autoscaler().withBehavior(noStabilization))
            .readyPodsWithMetric(METRIC, List.of(1000L, 1000L, 1000L, 1000L, 1000L))
            .build();

    // when
    AutoscaleDecision decision =
        pipeline.decide(snapshot, policy(ShrinkPolicy.DISABLED), OptionalInt.empty());

    // then
    assertThat(decision.hpa().desiredReplicas()).isLessThan(5);
    assertThat(decision.desiredReplicas()).isEqualTo(5);
    assertThat(decision.sizing().clamps())
        .extracting(c -> c.reason())
        .contains(ClampReason.SHRINK_DISABLED);
  }

  @Test
  void predictionStartsMembersEarlyButNeverLowersTheReactiveProposal() {
    // given: load within tolerance now, the forecast needs 5
    Snapshot snapshot = snapshot(100L, 100L, 100L);

    // when
    AutoscaleDecision ahead =
        pipeline.decide(snapshot, policy(ShrinkPolicy.ALLOWED), OptionalInt.of(5));
    AutoscaleDecision lower =
        pipeline.decide(
            snapshot(200L, 200L, 200L), policy(ShrinkPolicy.ALLOWED), OptionalInt.of(3));

    // then
    assertThat(ahead.desiredReplicas()).isEqualTo(5);
    assertThat(ahead.prediction())
        .map(ScaleAhead.Proposal::source)
        .contains(ScaleAhead.Source.PREDICTIVE);
    assertThat(lower.desiredReplicas()).isEqualTo(lower.hpa().desiredReplicas()).isEqualTo(6);
  }

  @Test
  void rateLimitsCountTheChangeMadeNotTheOneTheHpaProposed() {
    // given: scale-up limited to 2 members per 60 s; 3 members at 130/s → HPA 4, rounded to 5
    Behavior behavior =
        Behavior.of(
            ScalingRules.of(0, null, dev.ballast.core.decide.model.ScalingPolicy.pods(2, 60)),
            ScalingRules.unset());
    ScalingPolicy policy = policy(ShrinkPolicy.ALLOWED, 3, 5, 7);
    Snapshot first = snapshotWith(behavior, 130L, 130L, 130L);
    AutoscaleDecision grow = pipeline.decide(first, policy, OptionalInt.empty());
    assertThat(grow.desiredReplicas()).isEqualTo(5);

    // when: 30 s later, at 5 members, the load asks for 7
    Snapshot next =
        snapshotWith(behavior, 250L, 250L, 250L, 250L, 250L)
            .withNow(NOW.plusSeconds(30))
            .withHistory(grow.memory());
    AutoscaleDecision again = pipeline.decide(next, policy, OptionalInt.empty());

    // then: the +2 already made this period used the whole allowance; counting only the HPA's +1
    // would have allowed 6, rounded to 7
    assertThat(grow.memory().scaleUpEvents())
        .singleElement()
        .satisfies(e -> assertThat(e.replicaChange()).isEqualTo(2));
    assertThat(again.hpa().desiredReplicas()).isEqualTo(5);
    assertThat(again.desiredReplicas()).isEqualTo(5);
  }

  @Test
  void aHeldShrinkLeavesNoScaleDownEvent() {
    // given: shrinking disabled; 5 members nearly idle with behavior set
    Behavior behavior = Behavior.of(ScalingRules.unset(), ScalingRules.of(0, null));
    Snapshot idle = snapshotWith(behavior, 10L, 10L, 10L, 10L, 10L);

    // when
    AutoscaleDecision decision =
        pipeline.decide(idle, policy(ShrinkPolicy.DISABLED), OptionalInt.empty());

    // then: the HPA wanted fewer, nothing was removed, and the memory says so
    assertThat(decision.hpa().desiredReplicas()).isLessThan(5);
    assertThat(decision.desiredReplicas()).isEqualTo(5);
    assertThat(decision.hpa().history().scaleDownEvents()).isNotEmpty();
    assertThat(decision.memory().scaleDownEvents()).isEmpty();
    assertThat(decision.memory().recommendations())
        .isEqualTo(decision.hpa().history().recommendations());
  }

  @Test
  void aForecastThatPassesHoldsTheSizeForTheScaleDownWindowInsteadOfDroppingIt() {
    // given: default behavior (300 s scale-down stabilization); at 3 members of light load the
    // forecast asks for 7
    Behavior defaults = Behavior.defaults();
    ScalingPolicy policy = policy(ShrinkPolicy.ALLOWED, 3, 5, 7);
    AutoscaleDecision ahead =
        pipeline.decide(snapshotWith(defaults, 50L, 50L, 50L), policy, OptionalInt.of(7));
    assertThat(ahead.desiredReplicas()).isEqualTo(7);

    // when: a minute later, at 7 members, the load is as light and the forecast asks for nothing
    Snapshot later =
        snapshotWith(defaults, 20L, 20L, 20L, 20L, 20L, 20L, 20L)
            .withNow(NOW.plusSeconds(60))
            .withHistory(ahead.memory());
    AutoscaleDecision after = pipeline.decide(later, policy, OptionalInt.of(3));

    // then: the forecast's 7 is remembered like a recommendation, so nothing is removed yet
    assertThat(after.desiredReplicas()).isEqualTo(7);
    assertThat(after.rescale()).isFalse();
  }
}
