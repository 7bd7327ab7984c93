package dev.ballast.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HoltWintersTest {
  private static final int M = 96; // a day of 15-minute samples

  private static double sineWithTrend(long t) {
    return 100 + 0.01 * t + 20 * Math.sin(2 * Math.PI * t / M);
  }

  @Test
  void forecastsLinePlusSeasonExactlyWithoutDamping() {
    // given: 3 seasons of a pure daily sine (amplitude 20) on a linear trend, undamped model
    HoltWinters hw = new HoltWinters(M, new HoltWintersParameters(0.3, 0.01, 0.2, 1.0));
    int seen = 3 * M;
    for (int t = 0; t < seen; t++) {
      hw.observe(sineWithTrend(t));
    }

    // then: the start-up estimate of a line plus a season is exact and every error is zero, so
    // the forecast over a whole season matches up to rounding
    assertThat(hw.mode()).isEqualTo(ForecastMode.HOLT_WINTERS);
    for (int h = 1; h <= M; h++) {
      assertThat(hw.forecast(h)).as("h=%d", h).isCloseTo(sineWithTrend(seen - 1 + h), within(1e-6));
    }
  }

  @Test
  void dampedDefaultsForecastSineWithTrendOverTheLookAheadWithinHalfAPercentOfTheAmplitude() {
    // given: 10 seasons of the same series, default (damped) weights
    HoltWinters hw = new HoltWinters(M, HoltWintersParameters.defaults());
    int seen = 10 * M;
    for (int t = 0; t < seen; t++) {
      hw.observe(sineWithTrend(t));
    }

    // then: damping (phi = 0.98) under-extrapolates the trend of 0.01/sample by design; over the
    // look-ahead range used for scale-ahead (up to 11 samples: a 10-minute join plus a sync at
    // 1-minute samples) the bias stays below 0.1, half a percent of the amplitude
    for (int h = 1; h <= 11; h++) {
      assertThat(hw.forecast(h)).as("h=%d", h).isCloseTo(sineWithTrend(seen - 1 + h), within(0.1));
    }
  }

  @Test
  void forecastsTheSeasonalPeakBeforeItArrives() {
    // given: 3 seasons of a sine, and the next peak a quarter season ahead
    HoltWinters hw = new HoltWinters(M, HoltWintersParameters.defaults());
    for (int t = 0; t < 3 * M; t++) {
      hw.observe(50 + 30 * Math.sin(2 * Math.PI * t / M));
    }
    // then: the value now is 50 (the sine's zero crossing) but the max over the next quarter
    // season is near the peak of 80 (sampled within one step of it)
    assertThat(hw.forecast(1)).isCloseTo(50, within(1.0));
    assertThat(hw.maxForecast(M / 4)).isCloseTo(80, within(1.0));
  }

  @Test
  void constantSeriesForecastsTheConstantInEveryMode() {
    HoltWinters hw = new HoltWinters(4, HoltWintersParameters.defaults());
    for (int t = 0; t < 20; t++) {
      hw.observe(7.5);
      assertThat(hw.forecast(3)).isCloseTo(7.5, within(1e-9));
    }
    assertThat(hw.mode()).isEqualTo(ForecastMode.HOLT_WINTERS);
  }

  @Test
  void fallsBackToLastValueThenHoltLinearUntilTwoSeasonsAreSeen() {
    // given
    HoltWinters hw = new HoltWinters(10, HoltWintersParameters.defaults());
    assertThat(hw.mode()).isEqualTo(ForecastMode.NONE);
    assertThatThrownBy(() -> hw.forecast(1)).isInstanceOf(IllegalStateException.class);

    // when / then
    hw.observe(3);
    assertThat(hw.mode()).isEqualTo(ForecastMode.LAST_VALUE);
    assertThat(hw.forecast(5)).isEqualTo(3);
    for (int t = 1; t < 19; t++) {
      hw.observe(3);
      assertThat(hw.mode()).isEqualTo(ForecastMode.HOLT_LINEAR);
    }
    hw.observe(3);
    assertThat(hw.mode()).isEqualTo(ForecastMode.HOLT_WINTERS);
  }

  @Test
  void holtLinearFallbackExtrapolatesARamp() {
    // given: a ramp, shorter than two seasons, with fast-learning weights
    HoltWinters hw = new HoltWinters(1000, new HoltWintersParameters(0.5, 0.5, 0.1, 1.0));
    for (int t = 0; t < 200; t++) {
      hw.observe(5 + 2.0 * t);
    }
    // then: Holt's method has no steady-state error on a line, so the forecast is the line
    assertThat(hw.mode()).isEqualTo(ForecastMode.HOLT_LINEAR);
    assertThat(hw.forecast(10)).isCloseTo(5 + 2.0 * 209, within(1e-6));
  }

  @Test
  void maxForecastIsTheLargestOfTheStepForecasts() {
    HoltWinters hw = new HoltWinters(8, HoltWintersParameters.defaults());
    double[] day = {1, 3, 9, 4, 2, 1, 0, 1};
    for (int t = 0; t < 40; t++) {
      hw.observe(day[t % 8]);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int h = 1; h <= 5; h++) {
      max = Math.max(max, hw.forecast(h));
    }
    assertThat(hw.maxForecast(5)).isEqualTo(max);
    // the next sample is slot 0 (1), the peak slot 2 (9) is 3 steps ahead
    assertThat(hw.maxForecast(5)).isCloseTo(9, within(0.5));
    assertThat(hw.maxForecast(2)).isCloseTo(3, within(0.5));
  }

  @Test
  void forecastPathEqualsTheStepForecastsInEveryMode() {
    HoltWinters hw = new HoltWinters(8, HoltWintersParameters.defaults());
    double[] day = {1, 3, 9, 4, 2, 1, 0, 1};
    for (int t = 0; t < 30; t++) {
      hw.observe(day[t % 8] + 0.1 * t);
      double[] path = new double[12];
      hw.forecastPath(path);
      for (int h = 1; h <= 12; h++) {
        assertThat(path[h - 1]).as("t=%d h=%d", t, h).isCloseTo(hw.forecast(h), within(1e-9));
      }
    }
  }

  @Test
  void meanAbsoluteErrorIsZeroOnAnExactSeriesAndTracksNoise() {
    // given: the same daily pattern, once exact and once with seeded Gaussian noise (sigma 1)
    java.util.Random random = new java.util.Random(7);
    HoltWinters exact = new HoltWinters(8, HoltWintersParameters.defaults());
    HoltWinters noisy = new HoltWinters(8, HoltWintersParameters.defaults());
    double[] day = {1, 3, 9, 4, 2, 1, 0, 1};
    for (int t = 0; t < 800; t++) {
      exact.observe(10 + day[t % 8]);
      noisy.observe(10 + day[t % 8] + random.nextGaussian());
    }
    // then: no error on the exact series; on the noisy one about the noise's mean absolute value
    // (0.8 sigma), a little more since the smoothed state carries some noise too
    assertThat(exact.meanAbsoluteError()).isCloseTo(0, within(1e-6));
    assertThat(noisy.meanAbsoluteError()).isBetween(0.7, 1.3);
  }

  @Test
  void rejectsNonFiniteSamplesAndBadSeason() {
    HoltWinters hw = new HoltWinters(4, HoltWintersParameters.defaults());
    assertThatThrownBy(() -> hw.observe(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HoltWinters(1, HoltWintersParameters.defaults()))
        .hasMessageContaining("seasonLength");
    assertThatThrownBy(() -> new HoltWintersParameters(0, 0.1, 0.1, 1.0))
        .hasMessageContaining("alpha");
  }
}
