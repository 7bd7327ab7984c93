package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.autoscaler.AutoscaleSpec;
import dev.ballast.autoscaler.ScaleAheadFeed;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.ControllerSettings;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.predict.PredictionSettings;
import dev.ballast.core.predict.ScaleAheadPredictor;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The forecaster's observations in the status: bounded, and enough for a new leader to predict
 * exactly what the old one would have.
 */
class StatusForecastStoreTest {
  private static final Duration SYNC = Duration.ofSeconds(15);
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** An hourly season sampled every minute. */
  private static PredictionSettings hourly() {
    PredictionSettings d = PredictionSettings.defaults(true);
    return new PredictionSettings(
        true,
        Duration.ofHours(1),
        Duration.ofMinutes(1),
        d.smoothing(),
        Duration.ofMinutes(2),
        d.joinTimeQuantile(),
        d.joinTimeSamples(),
        d.minJoinSamples(),
        d.errorMargin(),
        d.gate());
  }

  private static final AutoscaleSpec SPEC =
      new AutoscaleSpec(
          Autoscaler.of(
              1,
              20,
              MetricSpec.pods(
                  "requests_per_second",
                  dev.ballast.core.decide.model.MetricTarget.averageValue(100))),
          ControllerSettings.defaults(),
          SYNC);

  /** 3 members' load at {@code t}: a daily-shaped hourly wave with some noise per sync. */
  private static Map<String, MetricSample> samples(Instant t, int sync) {
    long s = t.getEpochSecond() - START.getEpochSecond();
    double total = 300 + 150 * Math.sin(2 * Math.PI * s / 3600.0) + (sync * 37 % 11);
    return Map.of(
        "requests_per_second",
        new MetricSample(
            "requests_per_second", t, Map.of(0, total / 3, 1, total / 3, 2, total / 3)));
  }

  private static Optional<ScaleAheadPredictor.Prediction> sync(
      ScaleAheadFeed feed, Instant t, int sync) {
    return feed.sync(t, samples(t, sync), List.of(), SYNC, 3, 20, 0.1);
  }

  @Test
  void aNewLeaderRebuiltFromTheStatusPredictsWhatTheOldOneWould() throws Exception {
    // given: a leader that synced every 15 s for almost two hourly seasons (within the
    // forecaster's retention: a replay of two seasons is what a longer-lived model is rebuilt
    // from, so beyond it only the smoothing of older data would differ), its store in the status
    StatusForecastStore leaderStore = new StatusForecastStore(Duration.ofMinutes(1), null);
    ScaleAheadFeed leader =
        ScaleAheadFeed.of(SPEC, hourly(), leaderStore, START, List.of()).orElseThrow();
    Instant t = START;
    int n = 0;
    for (; n < 460; n++, t = t.plus(SYNC)) {
      sync(leader, t, n);
    }
    JsonNode status =
        Serialization.jsonMapper().readTree(Serialization.asJson(leaderStore.toJson()));

    // when: a new leader starts from the status alone
    ScaleAheadFeed follower =
        ScaleAheadFeed.of(
                SPEC,
                hourly(),
                new StatusForecastStore(Duration.ofMinutes(1), status),
                t,
                List.of())
            .orElseThrow();

    // then: for the next hour both make the same predictions, sync after sync
    assertThat(follower.samples()).isEqualTo(leader.samples());
    List<Optional<ScaleAheadPredictor.Prediction>> fromLeader = new ArrayList<>();
    List<Optional<ScaleAheadPredictor.Prediction>> fromFollower = new ArrayList<>();
    for (int i = 0; i < 240; i++, n++, t = t.plus(SYNC)) {
      fromLeader.add(sync(leader, t, n));
      fromFollower.add(sync(follower, t, n));
    }
    assertThat(fromLeader).anyMatch(Optional::isPresent);
    assertThat(fromFollower).isEqualTo(fromLeader);
    assertThat(follower.gate()).isEqualTo(leader.gate());
  }

  @Test
  void keepsOneSamplePerCompletedIntervalWithinTheRetention() {
    // given: 4 syncs per one-minute interval for 3 hours, an hourly season (retention 2 h 1 min)
    StatusForecastStore store = new StatusForecastStore(Duration.ofMinutes(1), null);
    ScaleAheadFeed feed = ScaleAheadFeed.of(SPEC, hourly(), store, START, List.of()).orElseThrow();
    Instant t = START;
    for (int n = 0; n < 4 * 180; n++, t = t.plus(SYNC)) {
      sync(feed, t, n);
    }

    // when
    int kept = store.toJson().path("samples").size();

    // then: at most the retention's buckets (121, trimmed once per retention, so up to twice
    // that) plus the newest bucket's raw samples, where 720 raw samples came in
    assertThat(kept).isLessThanOrEqualTo(2 * 121 + 4).isLessThan(720);
  }
}
