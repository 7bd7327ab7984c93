package dev.ballast.local.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.ballast.core.testing.FakeMembership;
import dev.ballast.core.testing.InMemoryHistoryStore;
import dev.ballast.core.testing.InMemoryOperationStore;
import dev.ballast.core.testing.InMemoryReplicaRuntime;
import dev.ballast.core.testing.MutableClock;
import dev.ballast.core.testing.RecordingListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The loop's behaviour on the scenarios of the demo, with the core's fakes for the cluster and a
 * metric source whose total load the test sets (each member reports an equal share, as clients
 * spread over members do).
 */
class LocalAutoscalerTest {
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

    @Override
    public MetricSample read(String metricName, List<Member> members) {
      if (down) {
        throw new MetricUnavailableException("mntr: connection refused on every member");
      }
      Map<Integer, Double> values = new HashMap<>();
      members.forEach(m -> values.put(m.ordinal(), total / members.size()));
      return new MetricSample(metricName, clock.instant(), values);
    }
  }

  private LocalAutoscaler autoscaler(ShrinkPolicy shrink) {
    ScalingPolicy policy =
        ScalingPolicy.builder()
            .minReplicas(3)
            .maxReplicas(7)
            .allowedReplicas(List.of(3, 5, 7))
            .shrink(shrink)
            .build();
    Behavior behavior =
        Behavior.of(
            Behavior.DEFAULT_SCALE_UP,
            Behavior.DEFAULT_SCALE_DOWN.withStabilizationWindowSeconds(30));
    AutoscaleSpec spec =
        new AutoscaleSpec(
            Autoscaler.of(3, 7, MetricSpec.pods(METRIC, MetricTarget.averageValue(100)))
                .withBehavior(behavior),
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
    return new LocalAutoscaler(
        spec,
        policy,
        runtime,
        membership,
        load,
        controller,
        history,
        clock,
        result ->
            result
                .response()
                .filter(ScaleResponse.Accepted.class::isInstance)
                .ifPresent(r -> operationsStarted++));
  }

  @Test
  void growsUnderLoadToTheNextAllowedSizeAndShrinksBackAfterTheStabilizationWindow() {
    // given
    LocalAutoscaler autoscaler = autoscaler(ShrinkPolicy.ALLOWED);

    // when: 380 requests/s against 100 per member → the HPA asks for 4, allowed sizes make it 5
    load.total = 380;
    LocalAutoscaler.SyncResult grow = autoscaler.sync();
    drive(autoscaler);

    // then
    assertThat(grow.decision().hpa().desiredReplicas()).isEqualTo(4);
    assertThat(grow.decision().desiredReplicas()).isEqualTo(5);
    assertThat(runtime.members()).hasSize(5);
    assertThat(membership.voting()).hasSize(5);

    // when: the load goes away; within the 30 s window the size holds
    load.total = 20;
    LocalAutoscaler.SyncResult early = autoscaler.sync();
    clock.advance(Duration.ofSeconds(31));
    LocalAutoscaler.SyncResult late = autoscaler.sync();
    drive(autoscaler);

    // then
    assertThat(early.decision().desiredReplicas()).isEqualTo(5);
    assertThat(late.decision().desiredReplicas()).isEqualTo(3);
    assertThat(runtime.members()).hasSize(3);
    assertThat(membership.maxConcurrentRemovals()).isEqualTo(1);
    assertThat(operationsStarted).isEqualTo(2);
  }

  @Test
  void neverShrinksUnderNoHotShrinkAndRecordsWhy() {
    // given
    LocalAutoscaler autoscaler = autoscaler(ShrinkPolicy.DISABLED);
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
    LocalAutoscaler autoscaler = autoscaler(ShrinkPolicy.ALLOWED);
    load.total = 380;
    autoscaler.sync();
    drive(autoscaler);

    // when: the metrics endpoint is down for two minutes
    load.down = true;
    for (int i = 0; i < 24; i++) {
      LocalAutoscaler.SyncResult r = autoscaler.sync();
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
  void aLoadFlappingAroundTheThresholdStartsNoMoreThanOneOperation() {
    // given
    LocalAutoscaler autoscaler = autoscaler(ShrinkPolicy.ALLOWED);

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
    ScalingPolicy policy =
        ScalingPolicy.builder()
            .minReplicas(3)
            .maxReplicas(7)
            .allowedReplicas(List.of(3, 5, 7))
            .build();
    AutoscaleSpec spec =
        new AutoscaleSpec(
            Autoscaler.of(3, 7, MetricSpec.cpuUtilization(25))
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
    LocalAutoscaler autoscaler =
        new LocalAutoscaler(
            spec, policy, runtime, membership, load, controller, history, clock, r -> {});

    // when: 3 members at 0.4 cores each = 40% of request against a 25% target → ceil(4.8) = 5
    LocalAutoscaler.SyncResult grow = autoscaler.sync();
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

  /** Ticks the controller the way {@link LocalAutoscaler#run()} does, until idle. */
  private void drive(LocalAutoscaler autoscaler) {
    for (int i = 0; i < 500; i++) {
      var progress = autoscaler.controllerForTests().tick();
      if (progress.isIdle() || progress.finished()) {
        return;
      }
      clock.advance(Duration.ofMillis(200));
    }
    throw new AssertionError("the operation did not finish in 500 ticks");
  }
}
