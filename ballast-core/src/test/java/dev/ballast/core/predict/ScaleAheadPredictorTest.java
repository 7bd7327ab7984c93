package dev.ballast.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScaleAheadPredictorTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration SYNC = Duration.ofSeconds(15);

  /** An hourly season sampled every minute, with {@code join} as the default join time. */
  private static PredictionSettings hourly(Duration join, double errorMargin) {
    PredictionSettings d = PredictionSettings.defaults(true);
    return new PredictionSettings(
        true,
        Duration.ofHours(1),
        Duration.ofMinutes(1),
        d.smoothing(),
        join,
        d.joinTimeQuantile(),
        d.joinTimeSamples(),
        d.minJoinSamples(),
        errorMargin,
        d.gate());
  }

  /** A load that rises from 100 to 150 in the first quarter of each hour. */
  private static double load(long second) {
    return 100 + 50 * Math.sin(2 * Math.PI * second / 3600.0);
  }

  private static List<Duration> minutes(int... m) {
    List<Duration> out = new ArrayList<>();
    for (int x : m) {
      out.add(Duration.ofMinutes(x));
    }
    return out;
  }

  @Test
  void hasNoProposalUntilTheFirstSampleIntervalCompletes() {
    ScaleAheadPredictor p = new ScaleAheadPredictor(hourly(Duration.ofMinutes(2), 0));
    p.observe(T0, 100);
    assertThat(p.predict(T0.plusSeconds(30), List.of(), SYNC, 20, 5, 20, 0.1)).isEmpty();
    assertThat(p.mode()).isEqualTo(ForecastMode.NONE);
  }

  @Test
  void proposesTheMembersThePeakWithinJoinTimePlusSyncPeriodNeeds() {
    // given: four seasons of the load sampled every 15 s, members that take 15 minutes to join
    Duration join = Duration.ofMinutes(15);
    ScaleAheadPredictor p = new ScaleAheadPredictor(hourly(join, 0));
    long end = 4 * 3600;
    for (long s = 0; s < end; s += 15) {
      p.observe(T0.plusSeconds(s), load(s));
    }

    // when: at the start of the rise, 5 members with a target of 20 each (100 of load now)
    var prediction = p.predict(T0.plusSeconds(end), List.of(), SYNC, 20, 5, 20, 0.1).orElseThrow();

    // then: the horizon is join + sync, its peak is the top of the rise (150 after 15 min), which
    // needs ceil(150 / 20) = 8 members; later joins see no higher load
    assertThat(prediction.mode()).isEqualTo(ForecastMode.HOLT_WINTERS);
    assertThat(prediction.horizon()).isEqualTo(join.plus(SYNC));
    assertThat(prediction.forecastPeak()).isCloseTo(load(end + 15 * 60), within(2.0));
    assertThat(prediction.band()).isZero();
    assertThat(prediction.nextJoinReplicas())
        .isEqualTo((int) Math.ceil(prediction.forecastPeak() / 20));
    assertThat(prediction.nextJoinReplicas()).isEqualTo(8);
    assertThat(prediction.replicas()).isEqualTo(8);
    assertThat(prediction.joinTime().learned()).isFalse();
    // up to maxReplicas 20 joins (a floor for members already started counts them all), of which
    // 16 of 15 min fit in the 4-hour look-ahead
    assertThat(prediction.lookAheadSteps()).isEqualTo(16);
  }

  @Test
  void aShortHorizonDoesNotSeeThePeakYet() {
    // given: the same load, members that join in 1 minute
    ScaleAheadPredictor p = new ScaleAheadPredictor(hourly(Duration.ofMinutes(1), 0));
    long end = 4 * 3600;
    for (long s = 0; s < end; s += 15) {
      p.observe(T0.plusSeconds(s), load(s));
    }

    // when
    var prediction = p.predict(T0.plusSeconds(end), List.of(), SYNC, 20, 5, 20, 0.1).orElseThrow();

    // then: the peak within 1m15s (the next two one-minute buckets) is below 110, within the 10 %
    // tolerance of the 5 members' target of 100, so the size is kept; the serial look-ahead (each
    // later join's need less the joins still to come after it) asks for no more
    assertThat(prediction.forecastPeak()).isBetween(load(end + 60), 110.0);
    assertThat(prediction.nextJoinReplicas()).isEqualTo(5);
    assertThat(prediction.replicas()).isEqualTo(5);
  }

  @Test
  void theErrorMarginRaisesThePeakByMeanAbsoluteErrors() {
    // given: a noisy load, the same for a predictor without and with a margin of 2
    ScaleAheadPredictor plain = new ScaleAheadPredictor(hourly(Duration.ofMinutes(5), 0));
    ScaleAheadPredictor banded = new ScaleAheadPredictor(hourly(Duration.ofMinutes(5), 2));
    Random random = new Random(7);
    for (long s = 0; s < 3 * 3600; s += 15) {
      double v = load(s) + random.nextGaussian() * 10;
      plain.observe(T0.plusSeconds(s), v);
      banded.observe(T0.plusSeconds(s), v);
    }

    // when
    Instant now = T0.plusSeconds(3 * 3600);
    var a = plain.predict(now, List.of(), SYNC, 10, 10, 40, 0.1).orElseThrow();
    var b = banded.predict(now, List.of(), SYNC, 10, 10, 40, 0.1).orElseThrow();

    // then: same forecast, plus 2 mean absolute errors
    assertThat(b.forecastPeak()).isEqualTo(a.forecastPeak());
    assertThat(b.meanAbsoluteError()).isGreaterThan(0);
    assertThat(b.band()).isEqualTo(2 * b.meanAbsoluteError());
    assertThat(b.nextJoinReplicas())
        .isEqualTo(ScaleAhead.predictedReplicas(b.forecastPeak() + b.band(), 10, 10, 0.1))
        .isGreaterThanOrEqualTo(a.nextJoinReplicas());
    assertThat(b.replicas()).isGreaterThanOrEqualTo(a.replicas());
  }

  @Test
  void learnsTheJoinTimeFromCompletedAddStepsAndLooksAheadByIt() {
    // given
    ScaleAheadPredictor p = new ScaleAheadPredictor(hourly(Duration.ofMinutes(2), 0));
    p.observe(T0, 100);
    p.observe(T0.plusSeconds(60), 100);

    // when: two steps completed (fewer than minJoinSamples 3), then ten of 1..10 minutes
    var early = p.predict(T0.plusSeconds(60), minutes(9, 9), SYNC, 20, 5, 20, 0.1).orElseThrow();
    List<Duration> ten = minutes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    var late = p.predict(T0.plusSeconds(60), ten, SYNC, 20, 5, 20, 0.1).orElseThrow();

    // then: the default until enough steps completed, then the 90th percentile (nearest rank 9)
    assertThat(early.joinTime().duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(early.joinTime().learned()).isFalse();
    assertThat(early.joinTime().completedSteps()).isEqualTo(2);
    assertThat(early.joinTime().source(p.settings())).contains("defaultJoinTime", "2 of 3");
    assertThat(late.joinTime().duration()).isEqualTo(Duration.ofMinutes(9));
    assertThat(late.joinTime().learned()).isTrue();
    assertThat(late.joinTime().samples()).isEqualTo(10);
    assertThat(late.joinTime().source(p.settings()))
        .isEqualTo("p90 of the last 10 completed add steps");
    assertThat(late.horizon()).isEqualTo(Duration.ofMinutes(9).plus(SYNC));
  }

  @Test
  void relearnsWhenTheDurationsChangeAtTheSameCount() {
    ScaleAheadPredictor p = new ScaleAheadPredictor(hourly(Duration.ofMinutes(2), 0));
    assertThat(p.joinTime(minutes(1, 1, 1)).duration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(p.joinTime(minutes(1, 1, 4)).duration()).isEqualTo(Duration.ofMinutes(4));
  }

  @Test
  void keepsTwoSeasonsAndOneSampleIntervalOfHistory() {
    ScaleAheadPredictor p = new ScaleAheadPredictor(hourly(Duration.ofMinutes(2), 0));
    assertThat(p.retention()).isEqualTo(Duration.ofHours(2).plusMinutes(1));
  }

  @Test
  void isInSeasonalModeRightAfterReplayingItsRetention() {
    // given: observations every 15 s over exactly the retention, replayed into a new predictor
    ScaleAheadPredictor p = new ScaleAheadPredictor(hourly(Duration.ofMinutes(2), 0));
    long span = p.retention().toSeconds();
    Instant start = T0.plusSeconds(7); // not aligned to the sample interval
    for (long s = 0; s <= span; s += 15) {
      p.observe(start.plusSeconds(s), load(s));
    }
    // then
    assertThat(p.mode()).isEqualTo(ForecastMode.HOLT_WINTERS);
  }

  @Test
  void replayingTheObservationsRebuildsTheForecastGate() {
    // given: a loop that observes a load with an hourly burst (four seasons, then bursts that stop
    // coming) and predicts at every sync, and the same observations kept
    Duration join = Duration.ofMinutes(5);
    ScaleAheadPredictor live = new ScaleAheadPredictor(hourly(join, 0));
    List<Long> times = new ArrayList<>();
    List<Double> loads = new ArrayList<>();
    Random random = new Random(3);
    for (long s = 0; s < 8 * 3600; s += 15) {
      boolean burst = s % 3600 >= 1800 && s % 3600 < 2400 && s < 4 * 3600;
      double load = (burst ? 300 : 100) + 5 * random.nextGaussian();
      live.observe(T0.plusSeconds(s), load);
      times.add(s);
      loads.add(load);
      live.predict(T0.plusSeconds(s), List.of(), SYNC, 20, 5, 20, 0.1);
    }
    ForecastGate.State before = live.gate();

    // when: a restarted loop plans with the same join time and replays them
    ScaleAheadPredictor replayed = new ScaleAheadPredictor(hourly(join, 0));
    replayed.plan(List.of(), SYNC, 20);
    for (int i = 0; i < times.size(); i++) {
      replayed.observe(T0.plusSeconds(times.get(i)), loads.get(i));
    }

    // then: the same gate, which has scored the forecast's rises, the bursts that stopped coming
    // among them
    assertThat(replayed.gate()).isEqualTo(before);
    assertThat(before.resolvedClaims()).isPositive();
    assertThat(before.accuracy()).isLessThan(1);
  }
}
