package dev.ballast.core.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.autoscale.AutoscaleDecision.MetricsState;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.Snapshot;
import dev.ballast.core.policy.OnMetricFailure;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Prediction through the whole pipeline, on generated clusters, loads, policies and forecasts: it
 * may only start members earlier or keep them longer. Compared with the same decision without a
 * prediction, it never lowers the size, never turns a hold or a scale-up into a scale-down, and is
 * ignored on missing metrics.
 */
class AutoscalePipelinePropertiesTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final String METRIC = "requests_per_second";

  private final AutoscalePipeline pipeline = AutoscalePipeline.standard();

  @Provide
  Arbitrary<List<Long>> loads() {
    // per-member values (null: the member reported nothing), 1 to 9 members
    return Arbitraries.longs().between(0, 400).injectNull(0.1).list().ofMinSize(1).ofMaxSize(9);
  }

  @Provide
  Arbitrary<ScalingPolicy> policies() {
    return Arbitraries.integers()
        .between(1, 5)
        .flatMap(
            min ->
                Arbitraries.integers()
                    .between(min, 15)
                    .flatMap(
                        max ->
                            Arbitraries.integers()
                                .between(min, max)
                                .set()
                                .ofMaxSize(4)
                                .flatMap(
                                    allowed ->
                                        Arbitraries.of(ShrinkPolicy.class)
                                            .flatMap(
                                                shrink ->
                                                    Arbitraries.of(OnMetricFailure.class)
                                                        .map(
                                                            failure ->
                                                                policy(
                                                                    min, max, allowed, shrink,
                                                                    failure))))));
  }

  private static ScalingPolicy policy(
      int min,
      int max,
      java.util.Set<Integer> allowed,
      ShrinkPolicy shrink,
      OnMetricFailure failure) {
    List<Integer> sizes = new ArrayList<>(new TreeSet<>(allowed));
    if (!sizes.isEmpty() && !sizes.contains(max)) {
      sizes.add(max); // the largest size must stay reachable
    }
    return ScalingPolicy.builder()
        .minReplicas(min)
        .maxReplicas(max)
        .allowedReplicas(sizes)
        .shrink(shrink)
        .onMetricFailure(failure)
        .build();
  }

  private static Snapshot snapshot(List<Long> perMember, int stabilizationSeconds) {
    List<Long> milli = perMember.stream().map(v -> v == null ? null : v * 1000).toList();
    Behavior behavior =
        Behavior.of(
            Behavior.DEFAULT_SCALE_UP,
            Behavior.DEFAULT_SCALE_DOWN.withStabilizationWindowSeconds(stabilizationSeconds));
    return Snapshot.builder()
        .now(NOW)
        .replicas(perMember.size())
        .autoscaler(
            Autoscaler.of(1, 20, MetricSpec.pods(METRIC, MetricTarget.averageValue(100)))
                .withBehavior(behavior))
        .readyPodsWithMetric(METRIC, milli)
        .build();
  }

  @Property(tries = 2000)
  void predictionNeverLowersTheSizeNorCausesAScaleDown(
      @ForAll("loads") List<Long> load,
      @ForAll("policies") ScalingPolicy policy,
      @ForAll @IntRange(min = 0, max = 30) int predicted,
      @ForAll @IntRange(min = 0, max = 1) int stabilized) {
    // given
    Snapshot snapshot = snapshot(load, stabilized * 300);

    // when
    AutoscaleDecision reactive = pipeline.decide(snapshot, policy, OptionalInt.empty());
    AutoscaleDecision withPrediction = pipeline.decide(snapshot, policy, OptionalInt.of(predicted));

    // then: never below the reactive decision, so a scale-up is never lowered
    int current = reactive.currentReplicas();
    assertThat(withPrediction.desiredReplicas()).isGreaterThanOrEqualTo(reactive.desiredReplicas());
    // a scale-down happens only when the reactive decision is one
    if (withPrediction.desiredReplicas() < current) {
      assertThat(reactive.desiredReplicas()).isLessThan(current);
    }
    // the HPA's own decision is the same with or without a forecast
    assertThat(withPrediction.hpa().desiredReplicas()).isEqualTo(reactive.hpa().desiredReplicas());
    // on missing metrics the forecast is not consulted at all
    if (reactive.metricsState() != MetricsState.AVAILABLE) {
      assertThat(withPrediction.prediction()).isEmpty();
      assertThat(withPrediction.desiredReplicas()).isEqualTo(reactive.desiredReplicas());
    }
    // when prediction decided, the reasons say so
    boolean decided =
        withPrediction.prediction().map(p -> p.predictive() > p.reactive()).orElse(false);
    assertThat(withPrediction.reasons().stream().anyMatch(r -> r.startsWith("prediction asks for")))
        .isEqualTo(decided);
  }
}
