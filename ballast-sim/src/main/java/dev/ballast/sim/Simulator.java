package dev.ballast.sim;

import dev.ballast.core.autoscale.AutoscaleDecision;
import dev.ballast.core.autoscale.AutoscalePipeline;
import dev.ballast.core.decide.DecisionEngine;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Condition;
import dev.ballast.core.decide.model.CustomMetricValue;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.PodInfo;
import dev.ballast.core.decide.model.PodUsage;
import dev.ballast.core.decide.model.ScaleTarget;
import dev.ballast.core.decide.model.Snapshot;
import dev.ballast.core.plan.Planner;
import dev.ballast.core.policy.SizeRules;
import dev.ballast.core.predict.ScaleAhead;
import dev.ballast.core.predict.ScaleAheadPredictor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Replays a trace against a policy on a virtual clock, with the production decision path: every
 * sync period {@link AutoscalePipeline} decides from the metric the model derives, exactly as
 * {@code ballast run} does (the HPA-exact {@link DecisionEngine} with its memory carried between
 * decisions, the predictive proposal of {@link ScaleAheadPredictor} combined by {@link ScaleAhead},
 * the stateful rules of {@link SizeRules}), and the {@link Planner}'s safety checks give the
 * target; members are then added or removed one at a time, a new member serving only after the join
 * time and a removed one serving until its drain time has passed.
 *
 * <p>Time advances in steps of the sync period from the trace's first row; demand at time t is the
 * value of the row containing t. A gap in the trace (no rows for more than 1.5 intervals) is
 * skipped: the clock jumps to the next row with the cluster as it was, the gap counts in no score,
 * and the forecaster fills it with its own forecast. Deterministic: no randomness.
 */
public final class Simulator {
  private static final Instant EPOCH = Instant.EPOCH;
  private static final AutoscalePipeline PIPELINE = AutoscalePipeline.standard();

  private enum State {
    JOINING,
    SERVING,
    DRAINING
  }

  private static final class Member {
    final int ordinal;
    State state;
    final long startedAt;
    long until; // end of joining or draining
    long servingSince;

    Member(int ordinal, State state, long startedAt, long until) {
      this.ordinal = ordinal;
      this.state = state;
      this.startedAt = startedAt;
      this.until = until;
      this.servingSince = state == State.SERVING ? startedAt : Long.MIN_VALUE;
    }

    String name() {
      return "member-" + ordinal;
    }
  }

  /**
   * The most sync periods one simulation may step through: some minutes of work. Each row of a
   * trace lasts its smallest interval, so a two-row trace a century apart would otherwise run for
   * hours.
   */
  static final long MAX_STEPS = 50_000_000L;

  /** Refuses a trace that would take more than {@link #MAX_STEPS} steps under {@code model}. */
  static void checkSize(Trace trace, WorkloadModel model) {
    long dt = model.syncPeriod().toSeconds();
    long perRow = Math.max(1, (trace.intervalSeconds() + dt - 1) / dt);
    double steps = (double) trace.size() * perRow;
    if (steps > MAX_STEPS) {
      throw new InputException(
          trace.name()
              + ": "
              + trace.size()
              + " rows lasting "
              + trace.intervalSeconds()
              + " s each (the smallest step between rows) make "
              + String.format(java.util.Locale.ROOT, "%.0f", steps)
              + " steps of the "
              + dt
              + " s sync period, more than "
              + MAX_STEPS
              + "; check the timestamps (seconds, not milliseconds?) or resample the trace");
    }
  }

  /** Simulates {@code policy} on {@code trace} under {@code model}. */
  public SimulationResult run(Trace trace, SimPolicy policy, WorkloadModel model) {
    return new Run(trace, policy, model).run();
  }

  /**
   * The fixed-size baseline: {@code ceil(peak / (capacity × target))} members all the time, sized
   * for the trace's peak at the target utilization. Named {@code fixed}.
   */
  public static SimulationResult fixed(Trace trace, SimPolicy policy, WorkloadModel model) {
    double cap = model.capacity(trace);
    double targetFrac = policy.target().utilizationFraction(cap);
    int size = Math.max(1, (int) Math.ceil(trace.peak() / (cap * targetFrac) - 1e-9));
    double tol = policy.controller().tolerance();
    long dt = model.syncPeriod().toSeconds();
    double over = 0;
    double above = 0;
    double seconds = 0;
    int n = trace.size();
    long[] times = new long[n];
    double[] demand = new double[n];
    double[] serving = new double[n];
    double[] members = new double[n];
    for (int i = 0; i < n; i++) {
      long len = Math.max(dt, trace.intervalSeconds());
      double d = trace.value(i);
      seconds += len;
      if (d > size * cap) {
        over += len;
      }
      if (d / (size * cap) > targetFrac * (1 + tol)) {
        above += len;
      }
      times[i] = trace.time(i);
      demand[i] = d;
      serving[i] = size * cap;
      members[i] = size;
    }
    Score score = new Score("fixed", over / 60, above / 60, size * seconds / 3600, 0, 0, size);
    return new SimulationResult(
        score, times, demand, serving, members, members.clone(), cap, targetFrac);
  }

  private final class Run {
    private final Trace trace;
    private final SimPolicy policy;
    private final WorkloadModel model;
    private final double cap;
    private final double targetFrac;
    private final double tolerance;
    private final long dt;
    private final long scrape;
    private final long window;
    private final long join;
    private final long drain;
    private final SizeRules rules = SizeRules.standard();
    private final Planner planner;
    private final ScaleAheadPredictor predictor;
    private final List<Duration> joinDurations = new ArrayList<>();
    private final List<Member> members = new ArrayList<>();
    // Recent (time, utilization, load) per tick, for the metric window.
    private final long[] ringTime;
    private final double[] ringUtil;
    private final double[] ringLoad;
    private int ringNext;
    private int ringSize;

    private int target;
    private History history = History.FIRST_RECONCILE;
    private List<Condition> conditions = List.of();
    private int lastDirection;
    private int operations;
    private int directionChanges;
    private int peak;
    private double overSeconds;
    private double aboveSeconds;
    private double memberSeconds;

    Run(Trace trace, SimPolicy policy, WorkloadModel model) {
      this.trace = trace;
      this.policy = policy;
      this.model = model;
      this.cap = model.capacity(trace);
      this.targetFrac = policy.target().utilizationFraction(cap);
      this.tolerance = policy.controller().tolerance();
      this.dt = model.syncPeriod().toSeconds();
      this.scrape = model.scrapeInterval().toSeconds();
      this.window = model.metricWindow().toSeconds();
      this.join = model.timeToServe().toSeconds();
      this.drain = model.drainTime().toSeconds();
      this.planner = new Planner(policy.scaling());
      this.predictor =
          policy.prediction().enabled() ? new ScaleAheadPredictor(policy.prediction()) : null;
      int ring = (int) ((window + scrape) / dt) + 3;
      this.ringTime = new long[ring];
      this.ringUtil = new double[ring];
      this.ringLoad = new double[ring];
    }

    SimulationResult run() {
      int n = trace.size();
      long[] times = new long[n];
      double[] demandOut = new double[n];
      double[] servingOut = new double[n];
      double[] membersOut = new double[n];
      double[] targetOut = new double[n];

      long t0 = trace.time(0);
      int initial = initialSize(trace.value(0));
      for (int i = 0; i < initial; i++) {
        members.add(new Member(i, State.SERVING, t0 - 3600, 0));
      }
      target = initial;

      int row = 0;
      long t = t0;
      long end = trace.endTime();
      servingOut[0] = Double.MAX_VALUE;
      while (t < end) {
        while (row + 1 < n && trace.time(row + 1) <= t) {
          row++;
          servingOut[row] = Double.MAX_VALUE;
        }
        if (t >= trace.rowEnd(row) && row + 1 < n) {
          // A gap: jump to the next row, keeping the cluster as it is.
          t = trace.time(row + 1);
          continue;
        }
        double demand = trace.value(row);
        transitions(t);
        int serving = servingCount();
        double load = demand / cap;
        double util = serving == 0 ? (demand > 0 ? Double.POSITIVE_INFINITY : 0) : load / serving;
        remember(t, util, load);
        decide(t);
        startSteps(t);

        // Score the interval [t, t + dt) with the cluster after this tick's actions.
        serving = servingCount();
        int total = members.size();
        double servingCap = serving * cap;
        util = serving == 0 ? (demand > 0 ? Double.POSITIVE_INFINITY : 0) : load / serving;
        if (demand > servingCap) {
          overSeconds += dt;
        }
        if (util > targetFrac * (1 + tolerance)) {
          aboveSeconds += dt;
        }
        memberSeconds += (double) total * dt;
        peak = Math.max(peak, total);

        times[row] = trace.time(row);
        demandOut[row] = demand;
        servingOut[row] = Math.min(servingOut[row], servingCap);
        membersOut[row] = Math.max(membersOut[row], total);
        targetOut[row] = target;
        t += dt;
      }
      for (int i = 0; i < n; i++) {
        if (servingOut[i] == Double.MAX_VALUE) {
          servingOut[i] = Double.NaN;
        }
        if (times[i] == 0 && i > 0) {
          times[i] = trace.time(i);
        }
      }
      Score score =
          new Score(
              policy.name(),
              overSeconds / 60,
              aboveSeconds / 60,
              memberSeconds / 3600,
              operations,
              directionChanges,
              peak);
      return new SimulationResult(
          score, times, demandOut, servingOut, membersOut, targetOut, cap, targetFrac);
    }

    private int initialSize(double demand) {
      int need = (int) Math.ceil(demand / (cap * targetFrac) - 1e-9);
      int size =
          rules
              .apply(Math.max(need, policy.scaling().minReplicas()), need, policy.scaling())
              .replicas();
      return Math.max(1, size);
    }

    private void transitions(long t) {
      for (int i = members.size() - 1; i >= 0; i--) {
        Member m = members.get(i);
        if (m.state == State.JOINING && m.until <= t) {
          m.state = State.SERVING;
          m.servingSince = m.until;
          joinDurations.add(Duration.ofSeconds(m.until - m.startedAt));
        } else if (m.state == State.DRAINING && m.until <= t) {
          members.remove(i);
        }
      }
    }

    private int servingCount() {
      int n = 0;
      for (Member m : members) {
        if (m.state != State.JOINING) {
          n++;
        }
      }
      return n;
    }

    private void remember(long t, double util, double load) {
      ringTime[ringNext] = t;
      ringUtil[ringNext] = util;
      ringLoad[ringNext] = load;
      ringNext = (ringNext + 1) % ringTime.length;
      ringSize = Math.min(ringSize + 1, ringTime.length);
    }

    /** Mean {utilization, load} over the window ending at {@code at}; null when none. */
    private double[] windowMean(long at) {
      double u = 0;
      double l = 0;
      int k = 0;
      for (int i = 0; i < ringSize; i++) {
        int idx = Math.floorMod(ringNext - 1 - i, ringTime.length);
        long time = ringTime[idx];
        if (time <= at && time > at - window) {
          u += ringUtil[idx];
          l += ringLoad[idx];
          k++;
        }
      }
      return k == 0 ? null : new double[] {u / k, l / k};
    }

    private void decide(long t) {
      long scrapedAt = Math.floorDiv(t, scrape) * scrape;
      double[] sample = windowMean(scrapedAt);
      if (sample == null) {
        sample = windowMean(t); // the first ticks: no scrape yet inside the replay
      }
      Instant now = EPOCH.plusSeconds(t);
      Instant sampleTime = EPOCH.plusSeconds(scrapedAt);
      Snapshot snapshot = snapshot(now, sampleTime, sample[0]);
      OptionalInt predicted = OptionalInt.empty();
      if (predictor != null) {
        predictor.observe(sampleTime, sample[1]);
        var prediction =
            predictor.predict(
                now,
                joinDurations,
                model.syncPeriod(),
                targetFrac,
                target,
                policy.scaling().maxReplicas(),
                tolerance);
        if (prediction.isPresent()) {
          predicted = prediction.get().proposal();
        }
      }
      AutoscaleDecision decision = PIPELINE.decide(snapshot, policy.scaling(), predicted);
      conditions = decision.hpa().conditions();
      int next = decision.desiredReplicas();
      if (next == target || planner.check(target, next).isEmpty()) {
        target = next;
        history = decision.memory();
      } else {
        // The planner refused the change: the memory records none.
        history = DecisionEngine.memoryAfter(snapshot, decision.hpa(), target);
      }
    }

    private Snapshot snapshot(Instant now, Instant sampleTime, double util) {
      boolean resource = policy.target().isUtilization();
      String metric = policy.target().metric();
      List<PodInfo> pods = new ArrayList<>(members.size());
      List<PodUsage> usage = new ArrayList<>();
      List<CustomMetricValue> custom = new ArrayList<>();
      long valueMilli =
          Double.isFinite(util)
              ? Math.round(resource ? util * 1000 : util * cap * 1000)
              : Long.MAX_VALUE / 4;
      Map<String, Long> requests = resource ? Map.of(metric, 1000L) : Map.of();
      for (Member m : members) {
        Instant started = EPOCH.plusSeconds(m.startedAt);
        PodInfo pod = PodInfo.running(m.name(), started, requests);
        switch (m.state) {
          case JOINING -> pods.add(pod.withReady(PodInfo.ReadyCondition.notReady(started)));
          case DRAINING -> pods.add(pod.withDeleting(true));
          case SERVING -> {
            pods.add(
                pod.withReady(PodInfo.ReadyCondition.ready(EPOCH.plusSeconds(m.servingSince))));
            if (resource) {
              usage.add(
                  PodUsage.of(m.name(), sampleTime, model.metricWindow(), metric, valueMilli));
            } else {
              custom.add(CustomMetricValue.forPod(m.name(), metric, sampleTime, valueMilli));
            }
          }
        }
      }
      Autoscaler autoscaler =
          new Autoscaler(
              policy.scaling().minReplicas(),
              policy.scaling().maxReplicas(),
              List.of(policy.target().toMetricSpec()),
              policy.behavior(),
              conditions);
      return new Snapshot(
          now,
          policy.controller(),
          autoscaler,
          new ScaleTarget(target, members.size()),
          pods,
          usage,
          custom,
          List.of(),
          history);
    }

    private void startSteps(long t) {
      boolean busy = false;
      int nonDraining = 0;
      Member draining = null;
      for (Member m : members) {
        if (m.state == State.JOINING) {
          busy = true;
        }
        if (m.state == State.DRAINING) {
          busy = true;
          draining = m;
        } else {
          nonDraining++;
        }
      }
      if (draining != null && target > nonDraining) {
        // The target went back up during a drain: cancel it, the member keeps serving.
        draining.state = State.SERVING;
        direction(+1);
        return;
      }
      if (busy) {
        return;
      }
      if (nonDraining < target) {
        Member m = new Member(nextOrdinal(), State.JOINING, t, t + join);
        if (join == 0) {
          m.state = State.SERVING;
          m.servingSince = t;
        }
        members.add(m);
        operations++;
        direction(+1);
      } else if (nonDraining > target) {
        Member highest = null;
        for (Member m : members) {
          if (highest == null || m.ordinal > highest.ordinal) {
            highest = m;
          }
        }
        highest.state = State.DRAINING;
        highest.until = t + drain;
        if (drain == 0) {
          members.remove(highest);
        }
        operations++;
        direction(-1);
      }
    }

    private int nextOrdinal() {
      int max = -1;
      for (Member m : members) {
        max = Math.max(max, m.ordinal);
      }
      return max + 1;
    }

    private void direction(int d) {
      if (lastDirection != 0 && d != lastDirection) {
        directionChanges++;
      }
      lastDirection = d;
    }
  }
}
