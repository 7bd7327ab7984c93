package dev.ballast.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ForecastGateTest {
  private static final ForecastGateSettings SETTINGS = new ForecastGateSettings(0.5, 0.7, 4);

  /** A gate planning 3 intervals ahead with one member's worth of load of 10. */
  private static ForecastGate gate(ForecastGateSettings settings) {
    ForecastGate gate = new ForecastGate(settings);
    gate.plan(3, 10);
    return gate;
  }

  /**
   * One completed interval: its observed mean, then the forecast made after it, which starts at the
   * observed value and peaks at {@code forecastPeak}.
   */
  private static void interval(ForecastGate gate, double actual, double forecastPeak) {
    gate.observed(actual);
    gate.forecast(actual, h -> h == 1 ? actual : forecastPeak);
  }

  @Test
  void aForecastStillHighAfterAFallIsNoClaim() {
    // given
    ForecastGate gate = gate(SETTINGS);
    // when: the load fell to 100 and the lagging model forecasts 150 for the next interval already
    gate.observed(100);
    gate.forecast(100, h -> 150);
    // then: no rise is predicted beyond what the model expects next
    assertThat(gate.state().pendingClaims()).isZero();
    // but a rise beyond its next value is
    gate.forecast(100, h -> h == 1 ? 150 : 170);
    assertThat(gate.state().pendingClaims()).isEqualTo(1);
  }

  @Test
  void aRiseSmallerThanOneMembersWorthIsNoClaim() {
    // given
    ForecastGate gate = gate(SETTINGS);
    // when: forecasts 9 above the load, less than one member's worth (10)
    for (int i = 0; i < 20; i++) {
      interval(gate, 100, 109);
    }
    // then
    assertThat(gate.state().resolvedClaims()).isZero();
    assertThat(gate.state().pendingClaims()).isZero();
    assertThat(gate.trusted()).isTrue();
  }

  @Test
  void aRiseThatMaterialisesWithinTheHorizonScoresOne() {
    // given: a claim of 100 → 130 within 3 intervals
    ForecastGate gate = gate(SETTINGS);
    interval(gate, 100, 130);
    // when: the load reaches 130 in the second interval
    gate.observed(110);
    assertThat(gate.state().pendingClaims()).isEqualTo(1);
    gate.observed(131);
    // then
    assertThat(gate.state().resolvedClaims()).isEqualTo(1);
    assertThat(gate.state().accuracy()).isEqualTo(1);
  }

  @Test
  void aRiseThatDoesNotComeScoresTheShareThatDid() {
    // given: a claim of 100 → 140 within 3 intervals
    ForecastGate gate = gate(SETTINGS);
    interval(gate, 100, 140);
    // when: the load reaches 110 at most
    gate.observed(105);
    gate.observed(110);
    assertThat(gate.state().resolvedClaims()).isZero();
    gate.observed(90);
    // then: a quarter of the rise came; the accuracy moves a quarter (1/memory) of the way there
    assertThat(gate.state().resolvedClaims()).isEqualTo(1);
    assertThat(gate.state().accuracy()).isCloseTo(1 + (0.25 - 1) / 4, within(1e-12));
  }

  @Test
  void losesTrustBelowMinAccuracyAndRegainsItOnlyAtResumeAccuracy() {
    // given
    ForecastGate gate = gate(SETTINGS);
    // when: rises that never come, one claim per interval
    int missed = 0;
    while (gate.trusted()) {
      interval(gate, 100, 150);
      missed++;
    }
    // then: the accuracy 0.75^k falls below 0.5 at the third miss; each claim is scored 3
    // intervals after it was made, so that is after the sixth interval
    assertThat(missed).isEqualTo(6);
    assertThat(gate.state().describe()).startsWith("not trusted: accuracy 0.42 fell below 0.5");

    // when: no more claims until the pending ones are scored (misses), then rises that come, each
    // seen in the next interval
    for (int i = 0; i < 3; i++) {
      interval(gate, 100, 100);
    }
    assertThat(gate.state().pendingClaims()).isZero();
    int hits = 0;
    boolean sawHysteresis = false;
    for (double load = 100; !gate.trusted(); load += 50) {
      interval(gate, load, load + 50);
      hits++;
      // then: above minAccuracy is not enough, resumeAccuracy is needed
      double accuracy = gate.state().accuracy();
      sawHysteresis |= accuracy >= 0.5 && accuracy < 0.7 && !gate.trusted();
      assertThat(gate.trusted()).isEqualTo(accuracy >= 0.7);
    }
    assertThat(sawHysteresis).isTrue();
    assertThat(hits).isEqualTo(5);
  }

  @Test
  void aGapDropsThePendingClaims() {
    ForecastGate gate = gate(SETTINGS);
    interval(gate, 100, 150);
    gate.forget();
    gate.observed(100);
    gate.observed(100);
    gate.observed(100);
    assertThat(gate.state().resolvedClaims()).isZero();
  }

  @Test
  void minAccuracyZeroAlwaysTrusts() {
    ForecastGate gate = gate(ForecastGateSettings.off());
    for (int i = 0; i < 50; i++) {
      interval(gate, 100, 150);
    }
    assertThat(gate.state().accuracy()).isLessThan(0.5);
    assertThat(gate.trusted()).isTrue();
    assertThat(gate.state().describe()).startsWith("off");
  }

  @Test
  void makesNoClaimBeforeItHasAPlan() {
    ForecastGate gate = new ForecastGate(SETTINGS);
    interval(gate, 100, 1000);
    assertThat(gate.state().pendingClaims()).isZero();
  }
}
