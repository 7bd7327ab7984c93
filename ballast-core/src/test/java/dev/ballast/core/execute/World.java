package dev.ballast.core.execute;

import static org.assertj.core.api.Assertions.fail;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.OperationStore;
import dev.ballast.core.testing.FakeMembership;
import dev.ballast.core.testing.InMemoryHistoryStore;
import dev.ballast.core.testing.InMemoryOperationStore;
import dev.ballast.core.testing.InMemoryReplicaRuntime;
import dev.ballast.core.testing.MutableClock;
import dev.ballast.core.testing.RecordingListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A simulated cluster and the engine's stores: what survives when the Ballast process crashes
 * (runtime, membership, stores, clock) apart from the controller, which tests rebuild.
 */
final class World {
  final InMemoryReplicaRuntime runtime;
  final FakeMembership membership;
  final InMemoryOperationStore operations = new InMemoryOperationStore();
  final InMemoryHistoryStore history = new InMemoryHistoryStore();
  final MutableClock clock = MutableClock.atEpochOfTests();
  final RecordingListener listener = new RecordingListener();
  ScalingPolicy policy;

  private World(int size, ScalingPolicy policy) {
    this.runtime = InMemoryReplicaRuntime.withRunningMembers(size);
    this.membership = FakeMembership.over(runtime);
    this.policy = policy;
  }

  static ScalingPolicy.Builder defaultPolicy() {
    return ScalingPolicy.builder()
        .minReplicas(1)
        .maxReplicas(7)
        .dataPolicy(DataPolicy.DELETE)
        .retryBackoff(Duration.ofSeconds(1));
  }

  static World ofSize(int size) {
    return new World(size, defaultPolicy().build());
  }

  static World ofSize(int size, ScalingPolicy policy) {
    return new World(size, policy);
  }

  ScalingController controller() {
    return controller(operations);
  }

  ScalingController controller(OperationStore store) {
    return new ScalingController(policy, runtime, membership, store, history, clock, listener);
  }

  /** Ticks until no operation is in flight, a second of clock per tick; fails after 1000 ticks. */
  Progress runToEnd(ScalingController controller) {
    Progress last = null;
    for (int i = 0; i < 1000; i++) {
      Progress p = controller.tick();
      if (p.isIdle()) {
        return last == null ? p : last;
      }
      last = p;
      if (p.finished()) {
        return p;
      }
      clock.advance(Duration.ofSeconds(1));
    }
    return fail("the operation did not end within 1000 ticks: " + controller.inFlight());
  }

  /** Ticks (a second of clock each) until the operation in flight is at {@code stage}. */
  void tickUntil(ScalingController controller, dev.ballast.core.plan.Stage stage) {
    for (int i = 0; i < 100; i++) {
      if (controller.inFlight().map(Operation::stage).orElse(null) == stage) {
        return;
      }
      controller.tick();
      clock.advance(Duration.ofSeconds(1));
    }
    throw new AssertionError("never reached " + stage + ": " + controller.inFlight());
  }

  /** The last OPERATION record. */
  Optional<HistoryRecord> lastOperation() {
    List<HistoryRecord> ops = history.ofKind(RecordKind.OPERATION);
    return ops.isEmpty() ? Optional.empty() : Optional.of(ops.get(ops.size() - 1));
  }

  /** What a correct run must leave behind, comparable between runs. */
  record State(
      Set<Integer> running,
      Set<Integer> voting,
      List<Integer> reserved,
      Set<Integer> withData,
      List<Integer> published,
      java.util.Map<Integer, java.util.Map<String, String>> launchSettings,
      String outcome,
      int from,
      int to) {}

  State state() {
    HistoryRecord op = lastOperation().orElseThrow();
    return new State(
        runtime.running(),
        membership.voting(),
        runtime.members().stream().map(m -> m.ordinal()).toList(),
        java.util.stream.IntStream.range(0, 10)
            .filter(runtime::hasData)
            .boxed()
            .collect(java.util.stream.Collectors.toSet()),
        runtime.published().stream().map(m -> m.ordinal()).toList(),
        runtime.running().stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    o -> o, o -> runtime.launchSettings(o).orElse(java.util.Map.of()))),
        op.outcome().name(),
        op.from(),
        op.to());
  }
}
