package dev.ballast.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ScaleAheadTest {

  @Property
  void neverLowersTheReactiveProposal(
      @ForAll @IntRange(min = 0, max = 500) int reactive,
      @ForAll @IntRange(min = 0, max = 500) int predictive) {
    assertThat(ScaleAhead.combine(reactive, predictive).replicas())
        .isGreaterThanOrEqualTo(reactive);
  }

  @Property
  void neverScalesDownWhenTheReactiveProposalDoesNot(
      @ForAll @IntRange(min = 1, max = 500) int current,
      @ForAll @IntRange(min = 0, max = 500) int reactive,
      @ForAll @DoubleRange(min = 0, max = 1e6) double forecastTotal,
      @ForAll @DoubleRange(min = 0.01, max = 1000) double targetPerMember) {
    // given: a forecast (any value, including far below the current load)
    int predictive = ScaleAhead.predictedReplicas(forecastTotal, targetPerMember, current, 0.1);
    // when
    int combined = ScaleAhead.combine(reactive, predictive).replicas();
    // then: a scale-down happens only when the reactive proposal is one, and is never deeper
    if (combined < current) {
      assertThat(reactive).isLessThan(current);
      assertThat(combined).isGreaterThanOrEqualTo(reactive);
    }
    if (reactive >= current) {
      assertThat(combined).isGreaterThanOrEqualTo(current);
    }
  }

  @Property
  void predictionWinsOnlyWhenItAsksForMore(
      @ForAll @IntRange(min = 0, max = 500) int reactive,
      @ForAll @IntRange(min = 0, max = 500) int predictive) {
    ScaleAhead.Proposal p = ScaleAhead.combine(reactive, predictive);
    assertThat(p.source() == ScaleAhead.Source.PREDICTIVE).isEqualTo(predictive > reactive);
    assertThat(p.reactive()).isEqualTo(reactive);
    assertThat(p.predictive()).isEqualTo(predictive);
  }

  @Test
  void predictedReplicasMeetTheTargetAtTheForecast() {
    // 1000 units forecast at 70 per member: ceil(14.28) = 15
    assertThat(ScaleAhead.predictedReplicas(1000, 70, 10, 0.1)).isEqualTo(15);
    // exactly on target needs no rounding up
    assertThat(ScaleAhead.predictedReplicas(700, 70, 5, 0.1)).isEqualTo(10);
  }

  @Test
  void predictedReplicasKeepTheCurrentSizeWithinTolerance() {
    // 10 members at 70 carry 700; 750 is 7% above: within the 10% tolerance
    assertThat(ScaleAhead.predictedReplicas(750, 70, 10, 0.1)).isEqualTo(10);
    assertThat(ScaleAhead.predictedReplicas(800, 70, 10, 0.1)).isEqualTo(12);
  }

  @Test
  void aNegativeOrNonFiniteForecastCountsAsNoLoad() {
    assertThat(ScaleAhead.predictedReplicas(-50, 70, 3, 0.1)).isZero();
    assertThat(ScaleAhead.predictedReplicas(Double.NaN, 70, 3, 0.1)).isZero();
  }

  @Test
  void serialLookAheadStartsEarlyEnoughForSeveralSlowJoins() {
    // given: load 700 (10 members at 70) for the next 25 minutes, then 1400 (20 members)
    java.util.function.ToDoubleFunction<java.time.Duration> peak =
        h -> h.compareTo(java.time.Duration.ofMinutes(25)) <= 0 ? 700 : 1400;
    java.time.Duration join = java.time.Duration.ofMinutes(10);
    java.time.Duration sync = java.time.Duration.ofSeconds(15);

    // when: one join ahead (j = 1) sees no rise; three joins ahead (30m15s) see 20 needed
    int oneStep = ScaleAhead.serialPredictedReplicas(peak, join, sync, 1, 70, 10, 0.1);
    int serial = ScaleAhead.serialPredictedReplicas(peak, join, sync, 8, 70, 10, 0.1);

    // then: 20 - (3 - 1) = 18: start now, since 10 members cannot be added in 3 joins
    assertThat(oneStep).isEqualTo(10);
    assertThat(serial).isEqualTo(18);
  }
}
