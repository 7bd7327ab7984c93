package dev.ballast.local.demo;

import dev.ballast.autoscaler.AutoscaleLoop;
import dev.ballast.core.execute.EventReason;
import dev.ballast.core.execute.ExecutionListener;
import dev.ballast.core.execute.ScalingEvent;
import dev.ballast.core.port.MetricSample;
import dev.ballast.local.load.LoadStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Everything the demo shows afterwards, collected while it runs: one point per sync (load, metric,
 * desired and current size), the operations and their stages from the engine's events, the size
 * path, removals in flight, and quorum samples. Thread-safe: the loop, the engine and the quorum
 * watcher report from their own threads.
 */
final class DemoRecorder implements ExecutionListener {
  /** One sync of the autoscaling loop. */
  record Point(
      Instant time,
      double targetRate,
      double achievedRate,
      double metricPerMember,
      int hpaDesired,
      int desired,
      int current,
      String operation) {}

  /** One decision worth a row in the report: the size should change, or a rule held it. */
  record DecisionRow(Instant time, int current, int desired, String reasons) {}

  /** One stage transition of one operation. */
  record StageRow(Instant time, String operationId, Integer ordinal, String stage, String what) {}

  /** An operation from its start to its end event. */
  static final class Op {
    final String id;
    final int from;
    final int to;
    final String trigger;
    final Instant start;
    Instant end;
    String outcome = "InProgress";

    Op(String id, int from, int to, String trigger, Instant start) {
      this.id = id;
      this.from = from;
      this.to = to;
      this.trigger = trigger;
      this.start = start;
    }
  }

  private final IntSupplier currentSize;
  private final List<Point> points = new ArrayList<>();
  private final List<DecisionRow> decisions = new ArrayList<>();
  private final List<StageRow> stages = new ArrayList<>();
  private final Map<String, Op> operations = new LinkedHashMap<>();
  private final List<Integer> path = new ArrayList<>();
  private final Set<Integer> removalsInFlight = new HashSet<>();
  private int maxConcurrentRemovals;
  private long quorumSamples;
  private Duration withoutLeader = Duration.ZERO;

  DemoRecorder(int initialSize, IntSupplier currentSize) {
    this.currentSize = currentSize;
    path.add(initialSize);
  }

  synchronized void onSync(AutoscaleLoop.SyncResult r, LoadStats load) {
    MetricSample sample = r.samples().get(DemoSettings.METRIC);
    double perMember =
        sample == null || sample.byOrdinal().isEmpty()
            ? Double.NaN
            : sample.byOrdinal().values().stream().mapToDouble(Double::doubleValue).sum()
                / r.members().size();
    String op = r.inFlight().map(o -> o.from() + "→" + o.to() + " " + o.stage()).orElse("");
    points.add(
        new Point(
            r.time(),
            load == null ? 0 : load.targetRate(),
            load == null ? 0 : load.achievedRate(),
            perMember,
            r.decision().hpa().desiredReplicas(),
            r.decision().desiredReplicas(),
            r.decision().currentReplicas(),
            op));
    if (r.decision().rescale() || r.decision().sizing().clamped()) {
      decisions.add(
          new DecisionRow(
              r.time(),
              r.decision().currentReplicas(),
              r.decision().desiredReplicas(),
              String.join("; ", r.decision().reasons())));
    }
  }

  @Override
  public synchronized void onEvent(ScalingEvent e) {
    if (e.reason() == EventReason.SCALING_STARTED && e.operationId() != null) {
      operations.putIfAbsent(
          e.operationId(),
          new Op(e.operationId(), e.from(), e.to(), String.valueOf(e.trigger()), e.time()));
    }
    boolean removal = e.to() < e.from() && e.ordinal() != null;
    if (removal && e.reason() == EventReason.STAGE_COMPLETED) {
      removalsInFlight.add(e.ordinal());
      maxConcurrentRemovals = Math.max(maxConcurrentRemovals, removalsInFlight.size());
    }
    if (e.stage() != null) {
      stages.add(
          new StageRow(
              e.time(), e.operationId(), e.ordinal(), e.stage().name(), e.reason().code()));
    }
    if (e.reason() == EventReason.STEP_COMPLETED
        || e.reason() == EventReason.STEP_FAILED
        || e.reason() == EventReason.ROLLED_BACK) {
      if (e.ordinal() != null) {
        removalsInFlight.remove(e.ordinal());
      }
      int size = currentSize.getAsInt();
      if (path.get(path.size() - 1) != size) {
        path.add(size);
      }
    }
    Op op = e.operationId() == null ? null : operations.get(e.operationId());
    if (op != null && isTerminal(e.reason())) {
      op.end = e.time();
      op.outcome = e.reason().code();
    }
  }

  private static boolean isTerminal(EventReason reason) {
    return switch (reason) {
      case SCALED_UP, SCALED_DOWN, ROLLED_BACK, SCALING_CANCELLED, SCALING_FAILED -> true;
      default -> false;
    };
  }

  /** One look at the ensemble; {@code sinceLast} is the time since the previous look. */
  synchronized void quorumSample(boolean leaderSeen, Duration sinceLast) {
    quorumSamples++;
    if (!leaderSeen) {
      withoutLeader = withoutLeader.plus(sinceLast);
    }
  }

  synchronized List<Point> points() {
    return List.copyOf(points);
  }

  synchronized List<DecisionRow> decisions() {
    return List.copyOf(decisions);
  }

  synchronized List<StageRow> stages() {
    return List.copyOf(stages);
  }

  synchronized List<Op> operations() {
    return List.copyOf(operations.values());
  }

  synchronized List<Integer> path() {
    return List.copyOf(path);
  }

  synchronized int maxConcurrentRemovals() {
    return maxConcurrentRemovals;
  }

  synchronized long quorumSamples() {
    return quorumSamples;
  }

  /** Seconds without a leader, as sampled: the time before each sample that found none. */
  synchronized double secondsWithoutQuorum() {
    return withoutLeader.toMillis() / 1000.0;
  }
}
