package dev.ballast.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricForecasterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** A season of one hour sampled every minute, to keep the tests small. */
  private static PredictionSettings hourly() {
    PredictionSettings d = PredictionSettings.defaults(true);
    return new PredictionSettings(
        true,
        Duration.ofHours(1),
        Duration.ofMinutes(1),
        d.smoothing(),
        d.defaultJoinTime(),
        d.joinTimeQuantile(),
        d.joinTimeSamples(),
        d.minJoinSamples(),
        d.errorMargin(),
        d.gate());
  }

  private static double load(long second) {
    return 100 + 50 * Math.sin(2 * Math.PI * second / 3600.0);
  }

  @Test
  void hasNoForecastUntilTheFirstBucketCompletes() {
    MetricForecaster f = new MetricForecaster(hourly());
    f.observe(T0, 10);
    f.observe(T0.plusSeconds(30), 20);
    assertThat(f.peakWithin(T0.plusSeconds(45), Duration.ofMinutes(5))).isEmpty();
    // when the next bucket starts, the first one (mean 15) becomes the forecast
    f.observe(T0.plusSeconds(60), 0);
    assertThat(f.peakWithin(T0.plusSeconds(60), Duration.ofMinutes(5)).getAsDouble()).isEqualTo(15);
    assertThat(f.mode()).isEqualTo(ForecastMode.LAST_VALUE);
  }

  @Test
  void seesTheRiseAheadByTheHorizonAfterTwoSeasons() {
    // given: 4 hours of a sine sampled every 15 s
    MetricForecaster f = new MetricForecaster(hourly());
    long end = 4 * 3600;
    for (long s = 0; s < end; s += 15) {
      f.observe(T0.plusSeconds(s), load(s));
    }
    // when: at the trough-to-peak zero crossing, looking 15 minutes ahead
    Instant now = T0.plusSeconds(end);
    double peak = f.peakWithin(now, Duration.ofMinutes(15)).getAsDouble();
    // then: the forecast includes the value 15 minutes from now (100 + 50 sin(pi/2) = 150, the
    // bucket means are within 1 of it)
    assertThat(f.mode()).isEqualTo(ForecastMode.HOLT_WINTERS);
    assertThat(peak).isCloseTo(150, within(2.0));
  }

  @Test
  void aGapIsFilledWithTheForecastSoTheSeasonStaysAligned() {
    // given: 3 hours of the sine, then 20 minutes without samples, then one more hour
    MetricForecaster f = new MetricForecaster(hourly());
    for (long s = 0; s < 3 * 3600; s += 60) {
      f.observe(T0.plusSeconds(s), load(s));
    }
    for (long s = 3 * 3600 + 20 * 60; s < 4 * 3600; s += 60) {
      f.observe(T0.plusSeconds(s), load(s));
    }
    // then: the forecast a quarter hour ahead still lands on the sine's peak
    double peak = f.peakWithin(T0.plusSeconds(4 * 3600), Duration.ofMinutes(15)).getAsDouble();
    assertThat(peak).isCloseTo(150, within(2.0));
  }
}
