package dev.ballast.local.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.autoscaler.AutoscaleLoop;
import dev.ballast.autoscaler.AutoscaleSpec;
import dev.ballast.autoscaler.ScaleAheadFeed;
import dev.ballast.autoscaler.SyncEvaluator;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.ControllerSettings;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.execute.ScaleResponse;
import dev.ballast.core.execute.ScalingController;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import dev.ballast.core.predict.ForecastMode;
import dev.ballast.core.predict.PredictionSettings;
import dev.ballast.core.predict.ScaleAhead;
import dev.ballast.core.testing.FakeMembership;
import dev.ballast.core.testing.InMemoryHistoryStore;
import dev.ballast.core.testing.InMemoryOperationStore;
import dev.ballast.core.testing.InMemoryReplicaRuntime;
import dev.ballast.core.testing.MutableClock;
import dev.ballast.core.testing.RecordingListener;
import dev.ballast.local.store.JsonLinesForecastStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's behaviour on the scenarios of the demo, with the core's fakes for the cluster and a
 * metric source whose total load the test sets (each member reports an equal share, as clients
 * spread over members do).
 */
class LocalAutoscaleLoopTest {
  private static final String METRIC = "rate(zk_packets_received)";
  private static final Duration SYNC = Duration.ofSeconds(5);

  private final MutableClock clock = MutableClock.atEpochOfTests();
  private final InMemoryReplicaRuntime runtime = InMemoryReplicaRuntime.withRunningMembers(3);
  private final FakeMembership membership = FakeMembership.over(runtime);
  private final InMemoryHistoryStore history = new InMemoryHistoryStore();
  private final LoadSource load = new LoadSource();
  private int operationsStarted;

  /** Every member reports {@code total / members} of the metric; {@code down} fails every read. */
  private final class LoadSource implements MetricSource {
    double total;
    boolean down;
    int readsWithoutValues;

    @Override
    public MetricSample read(String metricName, List<Member> members) {
      if (down) {
        throw new MetricUnavailableException("mntr: connection refused on every member");
      }
      Map<Integer, Double> values = new HashMap<>();
      if (readsWithoutValues > 0) {
        // Every member answered, but a rate needs a previous read: no value yet.
        readsWithoutValues--;
        return new MetricSample(metricName, clock.instant(), values);
      }
      members.forEach(m -> values.put(m.ordinal(), total / members.size()));
      return new MetricSample(metricName, clock.instant(), values);
    }
  }

  private AutoscaleLoop autoscaler(ShrinkPolicy shrink) {
    return autoscaler(
        policy(7, shrink),
        MetricSpec.pods(METRIC, MetricTarget.averageValue(100)),
        spec -> Optional.empty(),
        result ->
            result
                .response()
                .filter(ScaleResponse.Accepted.class::isInstance)
                .ifPresent(r -> operationsStarted++));
  }

  /** Sizes 3..{@code max}, odd sizes only. */
  private static ScalingPolicy policy(int max, ShrinkPolicy shrink) {
    List<Integer> allowed = new ArrayList<>();
    for (int n = 3; n <= max; n += 2) {
      allowed.add(n);
    }
    return ScalingPolicy.builder()
        .minReplicas(3)
        .maxReplicas(max)
        .allowedReplicas(allowed)
        .shrink(shrink)
        .build();
  }

  /**
   * The loop over the fakes: {@code metric} against the policy's bounds, a 30 s scale-down
   * stabilization window, the sync period {@code SYNC}, and the scale-ahead {@code scaleAhead}
   * makes for that spec.
   */
  private AutoscaleLoop autoscaler(
      ScalingPolicy policy,
      MetricSpec metric,
      java.util.function.Function<AutoscaleSpec, Optional<ScaleAheadFeed>> scaleAhead,
      AutoscaleLoop.Listener listener) {
    return autoscaler(policy, metric, scaleAhead, listener, AutoscaleLoop.Admission.ALWAYS);
  }

  /** The same loop, its grows first put to {@code admission}. */
  private AutoscaleLoop autoscaler(
      ScalingPolicy policy,
      MetricSpec metric,
      java.util.function.Function<AutoscaleSpec, Optional<ScaleAheadFeed>> scaleAhead,
      AutoscaleLoop.Listener listener,
      AutoscaleLoop.Admission admission) {
    AutoscaleSpec spec =
        new AutoscaleSpec(
            Autoscaler.of(policy.minReplicas(), policy.maxReplicas(), metric)
                .withBehavior(
                    Behavior.of(
                        Behavior.DEFAULT_SCALE_UP,
                        Behavior.DEFAULT_SCALE_DOWN.withStabilizationWindowSeconds(30))),
            ControllerSettings.DEFAULTS,
            SYNC);
    ScalingController controller =
        new ScalingController(
            policy,
            runtime,
            membership,
            new InMemoryOperationStore(),
            history,
            clock,
            new RecordingListener());
    SyncEvaluator evaluator =
        new SyncEvaluator(spec, policy, runtime, membership, load, history, scaleAhead.apply(spec));
    return new AutoscaleLoop(evaluator, controller, history, clock, listener, admission);
  }

  @Test
  void growsUnderLoadToTheNextAllowedSizeAndShrinksBackAfterTheStabilizationWindow() {
    // given
    AutoscaleLoop autoscaler = autoscaler(ShrinkPolicy.ALLOWED);

    // when: 380 requests/s against 100 per member → the HPA asks for 4, allowed sizes make it 5
    load.total = 380;
    AutoscaleLoop.SyncResult grow = autoscaler.sync();
    drive(autoscaler);

    // then
    assertThat(grow.decision().hpa().desiredReplicas()).isEqualTo(4);
    assertThat(grow.decision().desiredReplicas()).isEqualTo(5);
    assertThat(runtime.members()).hasSize(5);
    assertThat(membership.voting()).hasSize(5);

    // when: the load goes away; within the 30 s window the size holds
    load.total = 20;
    AutoscaleLoop.SyncResult early = autoscaler.sync();
    clock.advance(Duration.ofSeconds(31));
    AutoscaleLoop.SyncResult late = autoscaler.sync();
    drive(autoscaler);

    // then
    assertThat(early.decision().desiredReplicas()).isEqualTo(5);
    assertThat(late.decision().desiredReplicas()).isEqualTo(3);
    assertThat(runtime.members()).hasSize(3);
    assertThat(membership.maxConcurrentRemovals()).isEqualTo(1);
    assertThat(operationsStarted).isEqualTo(2);
  }

  @Test
  void aRefusedAdmissionHoldsTheGrowAndIsRecordedOnceUntilItAdmits() {
    // given: a preflight that says the nodes are full, then has room
    String[] shortage = {"no node can place one more pod: node-a: cpu short by 300m"};
    AutoscaleLoop autoscaler =
        autoscaler(
            policy(7, ShrinkPolicy.ALLOWED),
            MetricSpec.pods(METRIC, MetricTarget.averageValue(100)),
            spec -> Optional.empty(),
            r -> {},
            (from, to) -> Optional.ofNullable(shortage[0]));
    load.total = 380;

    // when: three syncs while full
    AutoscaleLoop.SyncResult first = autoscaler.sync();
    autoscaler.sync();
    clock.advance(SYNC);
    autoscaler.sync();

    // then: no operation, the reason given, one history record
    assertThat(first.response()).isEmpty();
    assertThat(first.admissionRefusal()).contains(shortage[0]);
    assertThat(autoscaler.controller().inFlight()).isEmpty();
    assertThat(history.list().stream().filter(r -> r.message().contains("cpu short by 300m")))
        .hasSize(1);

    // when: room again
    shortage[0] = null;
    AutoscaleLoop.SyncResult admitted = autoscaler.sync();
    drive(autoscaler);

    // then
    assertThat(admitted.response()).get().isInstanceOf(ScaleResponse.Accepted.class);
    assertThat(runtime.members()).hasSize(5);
  }

  @Test
  void neverShrinksUnderNoHotShrinkAndRecordsWhy() {
    // given
    AutoscaleLoop autoscaler = autoscaler(ShrinkPolicy.DISABLED);
    load.total = 380;
    autoscaler.sync();
    drive(autoscaler);

    // when: idle long past the stabilization window
    load.total = 0;
    for (int i = 0; i < 20; i++) {
      autoscaler.sync();
      clock.advance(SYNC);
    }

    // then: still 5; a HELD record per change of reason (not one per sync), the last one saying
    // that shrinking is disabled
    assertThat(runtime.members()).hasSize(5);
    var held = history.list().stream().filter(r -> r.outcome() == Outcome.HELD).toList();
    assertThat(held).hasSizeBetween(1, 2);
    assertThat(held.get(held.size() - 1).message())
        .contains("held at 5")
        .containsIgnoringCase("shrink");
  }

  @Test
  void holdsDuringAMetricsOutageAndResumesWhenMetricsReturn() {
    // given: grown to 5 under load
    AutoscaleLoop autoscaler = autoscaler(ShrinkPolicy.ALLOWED);
    load.total = 380;
    autoscaler.sync();
    drive(autoscaler);

    // when: the metrics endpoint is down for two minutes
    load.down = true;
    for (int i = 0; i < 24; i++) {
      AutoscaleLoop.SyncResult r = autoscaler.sync();
      assertThat(r.decision().desiredReplicas()).isEqualTo(5);
      assertThat(r.metricErrors()).isNotEmpty();
      clock.advance(SYNC);
    }

    // then: no scale-down, one METRICS_UNAVAILABLE record
    assertThat(runtime.members()).hasSize(5);
    assertThat(history.list())
        .filteredOn(r -> r.kind() == RecordKind.METRICS_UNAVAILABLE)
        .hasSize(1);

    // when: metrics return, idle
    load.down = false;
    load.total = 20;
    for (int i = 0; i < 10; i++) {
      autoscaler.sync();
      drive(autoscaler);
      clock.advance(SYNC);
    }

    // then: scaling resumed
    assertThat(runtime.members()).hasSize(3);
    assertThat(history.list()).anyMatch(r -> r.message().contains("metrics available again"));
  }

  @Test
  void recordsNoOutageForTheFirstReadBeforeARateCanExist() {
    // given: a started loop whose first read has no rate yet
    AutoscaleLoop autoscaler = autoscaler(ShrinkPolicy.ALLOWED);
    load.total = 200;
    load.readsWithoutValues = 1;

    // when
    for (int i = 0; i < 3; i++) {
      autoscaler.sync();
      clock.advance(SYNC);
    }

    // then: neither an outage nor its end in the history
    assertThat(history.list())
        .filteredOn(r -> r.kind() == RecordKind.METRICS_UNAVAILABLE)
        .isEmpty();
    assertThat(history.list()).noneMatch(r -> r.message().contains("metrics available again"));
  }

  @Test
  void recordsAnOutageWhenRatesStayAbsentAfterTheFirstRead() {
    // given: members answer but no rate appears on the second read either
    AutoscaleLoop autoscaler = autoscaler(ShrinkPolicy.ALLOWED);
    load.total = 200;
    load.readsWithoutValues = 3;

    // when
    for (int i = 0; i < 3; i++) {
      autoscaler.sync();
      clock.advance(SYNC);
    }

    // then
    assertThat(history.list())
        .filteredOn(r -> r.kind() == RecordKind.METRICS_UNAVAILABLE)
        .hasSize(1);
  }

  @Test
  void aLoadFlappingAroundTheThresholdStartsNoMoreThanOneOperation() {
    // given
    AutoscaleLoop autoscaler = autoscaler(ShrinkPolicy.ALLOWED);

    // when: load alternates between 290 and 320 requests/s (need 2.9 and 3.2 members) for 5 min
    for (int i = 0; i < 60; i++) {
      load.total = i % 2 == 0 ? 290 : 320;
      autoscaler.sync();
      drive(autoscaler);
      clock.advance(SYNC);
    }

    // then: within tolerance and stabilization, nothing moves
    assertThat(operationsStarted).isZero();
    assertThat(runtime.members()).hasSize(3);
  }

  @Test
  void cpuBoundLoadGrowsTheClusterAndItShrinksBackAfterTheWindow() {
    // given: the classic HPA demo on a stateful cluster: Resource cpu at 25% of the one core each
    // local member is taken to request, members reporting the cores their process uses
    load.total = 1.2; // cores used by the whole cluster, spread over the members
    AutoscaleLoop autoscaler =
        autoscaler(
            policy(7, ShrinkPolicy.ALLOWED),
            MetricSpec.cpuUtilization(25),
            spec -> Optional.empty(),
            r -> {});

    // when: 3 members at 0.4 cores each = 40% of request against a 25% target → ceil(4.8) = 5
    AutoscaleLoop.SyncResult grow = autoscaler.sync();
    drive(autoscaler);

    // then
    assertThat(grow.decision().hpa().metrics().get(0).current().averageUtilization()).isEqualTo(40);
    assertThat(grow.decision().desiredReplicas()).isEqualTo(5);
    assertThat(runtime.members()).hasSize(5);

    // when: the CPU load goes away and the window passes
    load.total = 0.3;
    autoscaler.sync();
    clock.advance(Duration.ofSeconds(31));
    autoscaler.sync();
    drive(autoscaler);

    // then
    assertThat(runtime.members()).hasSize(3);
  }

  // ---------------------------------------------------------------- scale-ahead

  /** A 10-minute season: 250 requests/s, and 600/s from minute 6 to minute 8 of each season. */
  private static final Duration SEASON = Duration.ofMinutes(10);

  private static double pattern(Duration sinceStart) {
    long inSeason = sinceStart.toSeconds() % SEASON.toSeconds();
    return inSeason >= 360 && inSeason < 480 ? 600 : 250;
  }

  /**
   * Prediction on a 10-minute season sampled every 30 s, planning with a 2-minute join time (the
   * default is kept: learning needs 20 completed steps, the fake cluster's would be far shorter).
   */
  private static PredictionSettings tenMinuteSeason() {
    PredictionSettings d = PredictionSettings.defaults(true);
    return new PredictionSettings(
        true,
        SEASON,
        Duration.ofSeconds(30),
        d.smoothing(),
        Duration.ofMinutes(2),
        0.9,
        20,
        20,
        0,
        d.gate());
  }

  private final List<AutoscaleLoop.SyncResult> syncs = new ArrayList<>();

  private AutoscaleLoop predictive(JsonLinesForecastStore store) {
    return autoscaler(
        policy(7, ShrinkPolicy.ALLOWED),
        MetricSpec.pods(METRIC, MetricTarget.averageValue(100)),
        spec -> ScaleAheadFeed.of(spec, tenMinuteSeason(), store, clock.instant(), List.of()),
        syncs::add);
  }

  /** Runs the loop over {@code length} of the pattern: a sync every 5 s, ticks in between. */
  private void runPattern(AutoscaleLoop autoscaler, Instant start, Duration length) {
    Instant end = clock.instant().plus(length);
    while (clock.instant().isBefore(end)) {
      Instant syncAt = clock.instant();
      load.total = pattern(Duration.between(start, syncAt));
      autoscaler.sync();
      while (clock.instant().isBefore(syncAt.plus(SYNC))) {
        autoscaler.controller().tick();
        clock.advance(Duration.ofMillis(250));
      }
    }
  }

  @Test
  void predictionStartsMembersBeforeARepeatingBurstArrives(@TempDir Path dir) {
    // given: three seasons of the pattern
    JsonLinesForecastStore store = JsonLinesForecastStore.of(dir.resolve("forecast.jsonl"));
    AutoscaleLoop autoscaler = predictive(store);
    Instant start = clock.instant();

    // when
    runPattern(autoscaler, start, SEASON.multipliedBy(3));

    // then: in the first season the cluster grows only once the burst is there (reactive)
    Instant firstBurst = start.plus(Duration.ofMinutes(6));
    assertThat(firstGrowth(start, start.plus(SEASON)).time()).isEqualTo(firstBurst);

    // in the third season, prediction (not the HPA) grows it while the load is still 250/s
    Instant season3 = start.plus(SEASON.multipliedBy(2));
    Instant thirdBurst = season3.plus(Duration.ofMinutes(6));
    AutoscaleLoop.SyncResult ahead = firstGrowth(season3, season3.plus(SEASON));
    assertThat(ahead.time()).isBefore(thirdBurst);
    assertThat(pattern(Duration.between(start, ahead.time()))).isEqualTo(250);
    assertThat(ahead.decision().hpa().desiredReplicas()).isEqualTo(3);
    assertThat(ahead.decision().prediction())
        .map(ScaleAhead.Proposal::source)
        .contains(ScaleAhead.Source.PREDICTIVE);
    assertThat(ahead.prediction().orElseThrow().mode()).isEqualTo(ForecastMode.HOLT_WINTERS);
    assertThat(ahead.prediction().orElseThrow().forecastPeak()).isGreaterThan(500);
    assertThat(ahead.decision().reasons()).anyMatch(r -> r.startsWith("prediction asks for"));
    // members started ahead are kept until the burst: the size never falls back in between
    assertThat(
            syncs.stream()
                .filter(r -> !r.time().isBefore(ahead.time()) && r.time().isBefore(thirdBurst))
                .map(r -> r.members().size())
                .toList())
        .isSorted();
    // and the burst finds the members already serving
    AutoscaleLoop.SyncResult burst = at(thirdBurst);
    assertThat(burst.members()).hasSize(7);
    assertThat(burst.view().orElseThrow().votingMembers()).hasSize(7);
    // the accepted request is recorded with prediction's reason
    assertThat(history.list())
        .anyMatch(
            r ->
                r.kind() == RecordKind.DECISION
                    && r.time().equals(ahead.time())
                    && r.reasons().stream().anyMatch(x -> x.startsWith("prediction asks for")));
    // completed add steps were read from the history for the join time
    assertThat(burst.prediction().orElseThrow().joinTime().completedSteps()).isGreaterThan(0);
  }

  @Test
  void aRestartedLoopRebuildsItsForecastFromTheStateFile(@TempDir Path dir) throws Exception {
    // given: two and a half seasons observed and persisted
    Path file = dir.resolve("forecast.jsonl");
    AutoscaleLoop first = predictive(JsonLinesForecastStore.of(file));
    Instant start = clock.instant();
    runPattern(first, start, SEASON.multipliedBy(5).dividedBy(2));
    long observed = syncs.stream().filter(r -> !r.samples().isEmpty()).count();
    // one line per sync, trimmed at the first sync after one retention (two seasons and one
    // sample interval) to the observations of the last retention
    Duration retention = SEASON.multipliedBy(2).plusSeconds(30);
    Instant trimmedAt = start.plus(retention).plus(SYNC);
    long notTrimmed =
        syncs.stream().filter(r -> !r.time().isBefore(trimmedAt.minus(retention))).count();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSizeLessThan((int) observed).hasSize((int) notTrimmed);
    assertThat(lines.get(lines.size() - 1)).contains(clock.instant().minus(SYNC).toString());

    // when: a new loop starts on the same file at the same instant, and one on an empty file
    AutoscaleLoop restarted = predictive(JsonLinesForecastStore.of(file));
    AutoscaleLoop fresh = predictive(JsonLinesForecastStore.of(dir.resolve("other.jsonl")));

    // then: the restarted one replayed what it needs (two seasons and one sample interval) and is
    // seasonal at once; the file was trimmed to the same
    ScaleAheadFeed restored = restarted.scaleAhead().orElseThrow();
    long kept =
        syncs.stream()
            .filter(r -> !r.samples().isEmpty())
            .filter(r -> !r.time().isBefore(clock.instant().minus(retention)))
            .count();
    assertThat(restored.restoredSamples()).isEqualTo((int) kept);
    assertThat(Files.readAllLines(file)).hasSize((int) kept);
    assertThat(restored.samples()).isGreaterThanOrEqualTo(2 * 20); // two seasons of 30 s samples
    assertThat(fresh.scaleAhead().orElseThrow().restoredSamples()).isZero();
    assertThat(fresh.scaleAhead().orElseThrow().samples()).isZero();
    // the forecast gate is rebuilt by the same replay and trusts the forecast as the first loop did
    assertThat(restored.gate().trusted())
        .isEqualTo(first.scaleAhead().orElseThrow().gate().trusted())
        .isTrue();

    // when: it runs to the last sync whose horizon (2 min + 5 s) reaches the next burst
    Instant nextBurst = start.plus(SEASON.multipliedBy(3)).plus(Duration.ofMinutes(6));
    syncs.clear();
    runPattern(restarted, start, Duration.between(clock.instant(), nextBurst.minusSeconds(60)));
    AutoscaleLoop.SyncResult restartedSync = syncs.get(syncs.size() - 1);

    // then: the restarted loop already forecasts the burst with its seasonal model
    assertThat(restartedSync.prediction().orElseThrow().mode())
        .isEqualTo(ForecastMode.HOLT_WINTERS);
    assertThat(restartedSync.prediction().orElseThrow().forecastPeak()).isGreaterThan(500);
    // and its gate holds the burst it sees coming as a predicted rise, still trusting the forecast
    var gate = restartedSync.prediction().orElseThrow().gate();
    assertThat(gate.pendingClaims() + gate.resolvedClaims()).isPositive();
    assertThat(gate.trusted()).isTrue();
  }

  private AutoscaleLoop.SyncResult firstGrowth(Instant from, Instant to) {
    return syncs.stream()
        .filter(r -> !r.time().isBefore(from) && r.time().isBefore(to))
        .filter(r -> r.response().filter(ScaleResponse.Accepted.class::isInstance).isPresent())
        .filter(r -> r.decision().desiredReplicas() > r.decision().currentReplicas())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no growth between " + from + " and " + to));
  }

  private AutoscaleLoop.SyncResult at(Instant time) {
    return syncs.stream()
        .filter(r -> r.time().equals(time))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sync at " + time));
  }

  /** Ticks the controller the way {@link AutoscaleLoop#run()} does, until idle. */
  private void drive(AutoscaleLoop autoscaler) {
    for (int i = 0; i < 500; i++) {
      var progress = autoscaler.controller().tick();
      if (progress.isIdle() || progress.finished()) {
        return;
      }
      clock.advance(Duration.ofMillis(200));
    }
    throw new AssertionError("the operation did not finish in 500 ticks");
  }
}
