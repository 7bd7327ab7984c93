package dev.ballast.core.decide;

import static dev.ballast.core.decide.TestPods.NOW;

import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.Recommendation;
import dev.ballast.core.decide.model.ScaleEvent;
import dev.ballast.core.decide.model.ScalingPolicy;
import dev.ballast.core.decide.model.ScalingRules;
import dev.ballast.core.decide.model.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Invariants of the decision that must hold for every input, checked on generated inputs. */
class DecisionEnginePropertiesTest {

  private final DecisionEngine engine = new DecisionEngine();

  @Provide
  Arbitrary<Behavior> behaviors() {
    Arbitrary<ScalingRules> rules =
        Arbitraries.integers()
            .between(0, 600)
            .injectNull(0.3)
            .flatMap(
                window ->
                    Arbitraries.of(ScalingRules.SelectPolicy.class)
                        .flatMap(
                            select ->
                                Arbitraries.integers()
                                    .between(1, 200)
                                    .flatMap(
                                        value ->
                                            Arbitraries.integers()
                                                .between(1, 600)
                                                .flatMap(
                                                    period ->
                                                        Arbitraries.of(ScalingPolicy.Type.class)
                                                            .map(
                                                                type ->
                                                                    new ScalingRules(
                                                                        window,
                                                                        select,
                                                                        List.of(
                                                                            new ScalingPolicy(
                                                                                type, value,
                                                                                period)),
                                                                        null))))));
    return Arbitraries.oneOf(
        Arbitraries.just(null),
        Arbitraries.just(Behavior.defaults()),
        rules
            .injectNull(0.3)
            .flatMap(up -> rules.injectNull(0.3).map(down -> Behavior.of(up, down))));
  }

  @Provide
  Arbitrary<History> histories() {
    Arbitrary<Recommendation> rec =
        Arbitraries.integers()
            .between(0, 900)
            .flatMap(
                ago ->
                    Arbitraries.integers()
                        .between(0, 100)
                        .map(r -> new Recommendation(NOW.minusSeconds(ago), r)));
    Arbitrary<ScaleEvent> event =
        Arbitraries.integers()
            .between(0, 900)
            .flatMap(
                ago ->
                    Arbitraries.integers()
                        .between(0, 20)
                        .map(c -> new ScaleEvent(NOW.minusSeconds(ago), c)));
    return rec.list()
        .ofMaxSize(6)
        .injectNull(0.2)
        .flatMap(
            recs ->
                event
                    .list()
                    .ofMaxSize(4)
                    .flatMap(
                        ups ->
                            event.list().ofMaxSize(4).map(downs -> new History(recs, ups, downs))));
  }

  @Property(tries = 500)
  void desiredReplicasStayWithinMinAndMax(
      @ForAll @IntRange(min = 1, max = 10) int min,
      @ForAll @IntRange(min = 0, max = 40) int extra,
      @ForAll @IntRange(min = 1, max = 60) int current,
      @ForAll @IntRange(min = 0, max = 300) int proposal,
      @ForAll("behaviors") Behavior behavior,
      @ForAll("histories") History history) {
    // given
    int max = min + extra;
    Snapshot s = Scenarios.proposing(current, proposal, min, max, behavior, history);

    // when
    Decision d = engine.decide(s);

    // then
    if (d.desiredReplicas() < min || d.desiredReplicas() > max) {
      throw new AssertionError(
          "desired " + d.desiredReplicas() + " outside [" + min + ", " + max + "]: " + d.rules());
    }
  }

  @Property(tries = 500)
  void nothingChangesInsideTheToleranceBand(
      @ForAll @IntRange(min = 1, max = 40) int pods,
      @ForAll @IntRange(min = 10, max = 200) int targetUtilization,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    // given: an integer utilization u with 0.9 ≤ u / target ≤ 1.1, spread unevenly over the pods
    int low = (int) Math.ceil(0.9 * targetUtilization);
    int high = (int) Math.floor(1.1 * targetUtilization);
    Random random = new Random(seed);
    int u = low + random.nextInt(high - low + 1);
    // with 1000m requested per pod, utilization = Σusage / (10 × pods): Σusage = 10 × u × pods
    long total = 10L * u * pods;
    List<Long> usage = split(total, pods, random);
    Snapshot s =
        Snapshot.builder()
            .now(NOW)
            .autoscaler(Autoscaler.of(1, 1000, MetricSpec.cpuUtilization(targetUtilization)))
            .readyPodsWithCpu(usage, 1000)
            .history(Scenarios.emptyHistory())
            .build();

    // when
    Decision d = engine.decide(s);

    // then
    if (d.metrics().get(0).proposedReplicas() != pods || d.desiredReplicas() != pods) {
      throw new AssertionError(
          "utilization "
              + u
              + "% of "
              + targetUtilization
              + "% changed "
              + pods
              + " → "
              + d.desiredReplicas());
    }
  }

  private static List<Long> split(long total, int parts, Random random) {
    List<Long> out = new ArrayList<>();
    long left = total;
    for (int i = 0; i < parts - 1; i++) {
      long share = left == 0 ? 0 : (long) (random.nextDouble() * (left / (parts - i)) * 2);
      share = Math.min(share, left);
      out.add(share);
      left -= share;
    }
    out.add(left);
    return out;
  }

  @Property(tries = 200)
  void aScaleDownNeverExceedsThePolicysAllowanceWithinItsPeriod(
      @ForAll @IntRange(min = 2, max = 60) int start,
      @ForAll @IntRange(min = 1, max = 10) int podsPerPeriod,
      @ForAll @IntRange(min = 1, max = 100) int percentPerPeriod,
      @ForAll boolean percent,
      @ForAll @IntRange(min = 15, max = 300) int period,
      @ForAll @IntRange(min = 5, max = 60) int step,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    // given: load keeps falling; decisions every `step` seconds chain their memory
    ScalingPolicy policy =
        percent
            ? ScalingPolicy.percent(percentPerPeriod, period)
            : ScalingPolicy.pods(podsPerPeriod, period);
    Behavior behavior =
        Behavior.of(
            null, new ScalingRules(0, ScalingRules.SelectPolicy.MAX, List.of(policy), null));
    Random random = new Random(seed);
    int current = start;
    History history = Scenarios.emptyHistory();
    List<long[]> removals = new ArrayList<>(); // {time, removed, replicasBefore}
    for (int i = 0; i < 40 && current > 1; i++) {
      Instant now = NOW.plusSeconds((long) i * step);
      int proposal = random.nextInt(current);
      Snapshot s = Scenarios.proposing(current, proposal, 1, 100, behavior, history).withNow(now);
      Decision d = engine.decide(s);

      // when
      removals.add(new long[] {now.getEpochSecond(), current - d.desiredReplicas(), current});

      // then: within (now - period, now] the removals fit the allowance from the period's start
      long removedInWindow = 0;
      for (long[] r : removals) {
        if (r[0] > now.getEpochSecond() - period) {
          removedInWindow += r[1];
        }
      }
      long periodStart = current + removedInWindow - (current - d.desiredReplicas());
      long allowance =
          percent
              ? periodStart - (long) (periodStart * (1 - percentPerPeriod / 100.0))
              : podsPerPeriod;
      if (removedInWindow > allowance) {
        throw new AssertionError(
            "removed "
                + removedInWindow
                + " within "
                + period
                + "s, allowance "
                + allowance
                + " ("
                + policy
                + ", period start "
                + periodStart
                + ")");
      }
      history = d.history();
      current = d.desiredReplicas();
    }
  }

  @Property(tries = 300)
  void aLegacyScaleUpNeverExceedsTwiceTheCurrentOrFour(
      @ForAll @IntRange(min = 1, max = 100) int current,
      @ForAll @IntRange(min = 0, max = 1000) int proposal) {
    // given
    Snapshot s = Scenarios.proposing(current, proposal, 1, 1000, null, Scenarios.emptyHistory());

    // when
    Decision d = engine.decide(s);

    // then
    if (d.desiredReplicas() > Math.max(2 * current, 4)) {
      throw new AssertionError(current + " → " + d.desiredReplicas());
    }
  }
}
