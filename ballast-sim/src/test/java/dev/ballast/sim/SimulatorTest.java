package dev.ballast.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SimulatorTest {
  private final Simulator simulator = new Simulator();

  /** Demand per minute: {@code low} for {@code lowMinutes}, then {@code high}. */
  private static Trace step(double low, int lowMinutes, double high, int minutes) {
    long[] t = new long[minutes];
    double[] v = new double[minutes];
    for (int i = 0; i < minutes; i++) {
      t[i] = 1_700_000_000L + 60L * i;
      v[i] = i < lowMinutes ? low : high;
    }
    return new Trace("step", t, v);
  }

  private static SimPolicy policy(String yaml) {
    return PolicyReader.parsePolicy("test", "p", yaml);
  }

  private static WorkloadModel model(Duration join) {
    return new WorkloadModel(
        100.0,
        1,
        join,
        Duration.ofMinutes(1),
        Duration.ofSeconds(15),
        Duration.ofSeconds(30),
        Duration.ofSeconds(15),
        Duration.ZERO);
  }

  /** {@code days} of one-minute rows: 560 from 10:00 to 12:00 every day, otherwise 140. */
  private static Trace dailyPeak(int days) {
    long[] t = new long[days * 1440];
    double[] v = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      int minuteOfDay = i % 1440;
      t[i] = 1_700_006_400L + 60L * i;
      v[i] = minuteOfDay >= 600 && minuteOfDay < 720 ? 560 : 140;
    }
    return new Trace("daily", t, v);
  }

  private static final String CPU70 =
      "name: p\nmaxReplicas: 50\ntarget: {metric: cpu, averageUtilization: 70}\n";

  @Test
  void aStepUpIsOverCapacityUntilTheNewMembersHaveJoinedOneAtATime() {
    // given: 140 (2 members at 70 %) for 30 min, then 560 (8 members at 70 %)
    Trace trace = step(140, 30, 560, 120);

    // when: members take 2 minutes to join
    SimulationResult r = simulator.run(trace, policy(CPU70), model(Duration.ofMinutes(2)));

    // then: 6 adds, one at a time; capacity (100/member) stays below 560 until the 4th new member
    // serves (6 × 100 = 600): 4 joins of 2 minutes, plus up to 15 s of scrape staleness and 15 s
    // until the next sync before the first add starts
    Score s = r.score();
    assertThat(s.operations()).isEqualTo(6);
    assertThat(s.peakReplicas()).isEqualTo(8);
    assertThat(s.directionChanges()).isZero();
    assertThat(s.minutesOverCapacity()).isBetween(8.0, 8.5);
    assertThat(r.members()[119]).isEqualTo(8);
    assertThat(r.servingCapacity()[119]).isEqualTo(800);
  }

  @Test
  void slowerJoinsMeanMoreTimeOverCapacity() {
    Trace trace = step(140, 30, 560, 180);
    double fast =
        simulator
            .run(trace, policy(CPU70), model(Duration.ofMinutes(2)))
            .score()
            .minutesOverCapacity();
    double slow =
        simulator
            .run(trace, policy(CPU70), model(Duration.ofMinutes(10)))
            .score()
            .minutesOverCapacity();
    assertThat(slow).isGreaterThan(4 * fast);
  }

  @Test
  void allowedSizesRoundUpAndQuorumKeepsOddEnsembles() {
    // given: demand needing 4 members at 70 %, sizes 3/5/7
    Trace trace = step(140, 10, 260, 60);
    SimPolicy zk =
        policy(
            "name: zk\nminReplicas: 3\nmaxReplicas: 7\nallowedReplicas: [3, 5, 7]\n"
                + "quorumGuard: Majority\ntarget: {metric: cpu, averageUtilization: 70}\n");
    // when
    SimulationResult r = simulator.run(trace, zk, model(Duration.ofMinutes(1)));
    // then: it starts at 3 (the minimum) and goes to 5, never to 4
    assertThat(r.members()[0]).isEqualTo(3);
    assertThat(r.targetReplicas()[59]).isEqualTo(5);
    assertThat(r.score().peakReplicas()).isEqualTo(5);
  }

  @Test
  void scalesDownOnlyAfterTheStabilizationWindowAndDrains() {
    // given: 560 for 20 minutes, then 140
    Trace trace = step(560, 20, 140, 60);
    // when
    SimulationResult r = simulator.run(trace, policy(CPU70), model(Duration.ofMinutes(1)));
    // then: 8 members until the 5-minute window has passed, then down to 2, one drain at a time
    assertThat(r.members()[20 + 4]).isEqualTo(8);
    assertThat(r.members()[59]).isEqualTo(2);
    assertThat(r.score().operations()).isEqualTo(6);
    assertThat(r.score().minutesOverCapacity()).isZero();
  }

  @Test
  void isDeterministic() {
    Trace trace = step(140, 30, 560, 200);
    SimPolicy p = policy(CPU70 + "prediction: {enabled: true, season: 1h}\n");
    SimulationResult a = simulator.run(trace, p, model(Duration.ofMinutes(3)));
    SimulationResult b = simulator.run(trace, p, model(Duration.ofMinutes(3)));
    assertThat(a.score()).isEqualTo(b.score());
    assertThat(a.members()).containsExactly(b.members());
  }

  @Test
  void predictionStartsMembersBeforeARecurringPeak() {
    // given: 6 days of a daily peak (10:00-12:00 at 560, otherwise 140), members joining in 10 min
    Trace trace = dailyPeak(6);
    WorkloadModel slow = model(Duration.ofMinutes(10));
    SimPolicy reactive = policy(CPU70);
    SimPolicy predictive = policy(CPU70 + "prediction: {enabled: true, defaultJoinTime: 10m}\n");

    // when
    Score r = simulator.run(trace, reactive, slow).score();
    Score p = simulator.run(trace, predictive, slow).score();

    // then: from the third day on the forecast sees the peak coming, so the predictive policy is
    // over capacity far less, at a modest extra cost
    assertThat(p.minutesOverCapacity()).isLessThan(0.5 * r.minutesOverCapacity());
    assertThat(p.replicaHours()).isLessThan(1.15 * r.replicaHours());
  }

  @Test
  void aNewMemberServesOnlyOnceFilledAndTheLearnedJoinTimeCountsTheFill() {
    // given: the daily peak of the prediction test, for a system whose members join in 2 min and
    // then take 8 min to be filled with their share of the data
    Trace trace = dailyPeak(4);
    WorkloadModel filled = model(Duration.ofMinutes(2)).withFillTime(Duration.ofMinutes(8));
    WorkloadModel noFill = model(Duration.ofMinutes(2));
    // learns from the first add steps on (defaultJoinTime far off), so what it learns shows
    SimPolicy predictive =
        policy(CPU70 + "prediction: {enabled: true, defaultJoinTime: 1m, minJoinSamples: 1}\n");

    // when
    SimulationResult withFill = simulator.run(trace, predictive, filled);
    SimulationResult asLongJoins = simulator.run(trace, predictive, model(Duration.ofMinutes(10)));
    SimulationResult without = simulator.run(trace, predictive, noFill);

    // then: 2 min join + 8 min fill behaves exactly as a 10 min join (serving and learning), and
    // differs from the same join without the fill
    assertThat(withFill.score()).isEqualTo(asLongJoins.score());
    assertThat(withFill.members()).containsExactly(asLongJoins.members());
    assertThat(withFill.score().minutesOverCapacity())
        .isGreaterThan(without.score().minutesOverCapacity());
  }

  @Test
  void theFixedBaselineIsSizedForThePeakAtTheTarget() {
    Trace trace = step(140, 30, 560, 120);
    SimulationResult f = Simulator.fixed(trace, policy(CPU70), model(Duration.ofMinutes(2)));
    // ceil(560 / 70) = 8 members for 2 hours
    assertThat(f.score().peakReplicas()).isEqualTo(8);
    assertThat(f.score().replicaHours()).isCloseTo(16, within(1e-9));
    assertThat(f.score().minutesOverCapacity()).isZero();
    assertThat(f.score().operations()).isZero();
  }

  @Test
  void aGapInTheTraceCountsInNoScore() {
    // given: one hour, a 5-hour gap, one hour; constant demand
    long[] t = new long[120];
    double[] v = new double[120];
    for (int i = 0; i < 120; i++) {
      t[i] = 1_700_000_000L + 60L * i + (i >= 60 ? 5 * 3600 : 0);
      v[i] = 140;
    }
    Trace trace = new Trace("gap", t, v);
    // when
    SimulationResult r = simulator.run(trace, policy(CPU70), model(Duration.ofMinutes(2)));
    // then: 2 members for the 2 hours with data only
    assertThat(r.score().replicaHours()).isCloseTo(4, within(1e-9));
  }

  /** The examples' policies: reactive.yaml, and predictive.yaml with the gate as given. */
  private static final String EXAMPLE =
      "maxReplicas: 40\nminReplicas: 2\ntarget: {metric: cpu, averageUtilization: 70}\n"
          + "behavior: {scaleDown: {stabilizationWindowSeconds: 300}}\n";

  private static SimPolicy reactive() {
    return policy("name: reactive\n" + EXAMPLE);
  }

  private static SimPolicy predictive(String gate) {
    return policy(
        "name: predictive\n"
            + EXAMPLE
            + "prediction: {enabled: true, defaultJoinTime: 2m"
            + (gate.isEmpty() ? "" : ", gate: " + gate)
            + "}\n");
  }

  /** The examples' workload models: capacity = the trace's peak / 10. */
  private static WorkloadModel examplesModel(Duration join, Duration drain) {
    return new WorkloadModel(
        null,
        10,
        join,
        drain,
        Duration.ofSeconds(15),
        Duration.ofSeconds(30),
        Duration.ofSeconds(15),
        Duration.ZERO);
  }

  /**
   * Eight days at one row a minute of a load with no season: 100 with 10 % noise, plus bursts of 1
   * to 3 times that for 10 to 60 minutes, arriving at random (on average one every 3 hours).
   */
  private static Trace randomBursts(long seed) {
    Random random = new Random(seed);
    int n = 8 * 1440;
    double[] burst = new double[n];
    for (int i = (int) (-180 * Math.log(1 - random.nextDouble())); i < n; ) {
      int length = 10 + random.nextInt(51);
      double height = 100 * (1 + 2 * random.nextDouble());
      for (int k = i; k < Math.min(n, i + length); k++) {
        burst[k] = height;
      }
      i += length + (int) (-180 * Math.log(1 - random.nextDouble()));
    }
    long[] t = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = 1_700_000_000L + 60L * i;
      v[i] = Math.max(0, 100 * (1 + 0.1 * random.nextGaussian()) + burst[i]);
    }
    return new Trace("random-bursts-" + seed, t, v);
  }

  /** Members like the examples' models: ZooKeeper-like (2 min) and Kafka-like (10 min) joins. */
  record Members(String name, Duration join, Duration drain) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Members> members() {
    return Stream.of(
        new Members("zookeeper-like", Duration.ofMinutes(2), Duration.ofMinutes(1)),
        new Members("kafka-like", Duration.ofMinutes(10), Duration.ofMinutes(5)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("members")
  void predictionCostsAtMostTwoPercentOnBurstsAtRandomTimes(Members m) {
    // given: bursts at random times (no season), the same seeded trace every run
    Trace trace = randomBursts(11);
    WorkloadModel model = examplesModel(m.join(), m.drain());

    // when
    Score reactive = simulator.run(trace, reactive(), model).score();
    Score gated = simulator.run(trace, predictive(""), model).score();
    Score ungated = simulator.run(trace, predictive("{minAccuracy: 0}"), model).score();

    // then: the forecast's predicted bursts do not come, so the gate stops trusting it and the cost
    // stays within 2 % of the reactive policy's replica-hours, where the ungated forecast pays more
    assertThat(ungated.replicaHours()).isGreaterThan(1.02 * reactive.replicaHours());
    assertThat(gated.replicaHours()).isLessThanOrEqualTo(1.02 * reactive.replicaHours());
  }

  /**
   * Eight days at one row a minute of a daily season: 100 most of the day and 400 from 10:00 to
   * 12:00, reached in a 5-minute ramp, with 5 % noise (seeded).
   */
  private static Trace dailySeason(long seed) {
    Random random = new Random(seed);
    int n = 8 * 1440;
    long[] t = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      int minute = i % 1440;
      double peak = Math.max(0, Math.min(1, Math.min((minute - 595) / 5.0, (720 - minute) / 5.0)));
      t[i] = 1_700_006_400L + 60L * i;
      v[i] = (100 + 300 * peak) * (1 + 0.05 * random.nextGaussian());
    }
    return new Trace("daily-" + seed, t, v);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("members")
  void theGateKeepsPredictionOnASeasonalLoad(Members m) {
    // given: a daily peak the forecaster learns
    Trace trace = dailySeason(7);
    WorkloadModel model = examplesModel(m.join(), m.drain());

    // when
    Score reactive = simulator.run(trace, reactive(), model).score();
    Score gated = simulator.run(trace, predictive(""), model).score();
    Score ungated = simulator.run(trace, predictive("{minAccuracy: 0}"), model).score();

    // then: the forecast's rises materialise, so the gate trusts it and prediction still removes
    // at least 30 % of the minutes over capacity, as much as without the gate
    assertThat(ungated.minutesOverCapacity()).isLessThan(0.7 * reactive.minutesOverCapacity());
    assertThat(gated.minutesOverCapacity()).isLessThan(0.7 * reactive.minutesOverCapacity());
    assertThat(gated.minutesOverCapacity()).isLessThanOrEqualTo(ungated.minutesOverCapacity() + 5);
  }

  @Test
  void refusesATraceThatWouldTakeHoursToSimulate() {
    // given: two rows a century apart, each lasting the smallest step between rows
    Trace trace = new Trace("sparse", new long[] {0, 3_000_000_000L}, new double[] {1, 2});

    // when / then
    assertThatThrownBy(
            () ->
                assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () ->
                        Comparison.run(
                            trace, List.of(policy(CPU70)), model(Duration.ofMinutes(2)), false)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(
            "sparse: 2 rows lasting 3000000000 s each (the smallest step between rows) make"
                + " 400000000 steps of the 15 s sync period, more than 50000000");
  }
}
