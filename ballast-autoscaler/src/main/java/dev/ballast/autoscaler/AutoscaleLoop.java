package dev.ballast.autoscaler;

import dev.ballast.core.autoscale.AutoscaleDecision;
import dev.ballast.core.autoscale.AutoscaleDecision.MetricsState;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.execute.Progress;
import dev.ballast.core.execute.ScaleRequest;
import dev.ballast.core.execute.ScaleResponse;
import dev.ballast.core.execute.ScalingController;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.HistoryStore;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.predict.ScaleAheadPredictor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscaling loop of one cluster ({@code ballast run}, {@code ballast demo}, and the
 * operator's reconciler, which calls {@link #sync()} and ticks the controller itself): every sync
 * period it reads the members' metrics and decides ({@link SyncEvaluator}: HPA math, scale-ahead
 * when the cluster file enables it, failure policy, stateful rules), records holds, and asks the
 * {@link ScalingController} for the new size; in between it ticks the in-flight operation one stage
 * at a time. While an operation runs it keeps deciding, so that a returning need retargets it (a
 * pending removal is cancelled). Wiring only: the numbers come from the core.
 */
public final class AutoscaleLoop {
  private static final Logger LOG = LoggerFactory.getLogger(AutoscaleLoop.class);

  /** Shortest wait between two ticks, so that a stage that polls does not spin. */
  static final Duration MIN_WAIT = Duration.ofMillis(100);

  /** What one sync saw and decided, for progress output and reports. */
  public record SyncResult(
      Instant time,
      List<Member> members,
      Optional<ClusterView> view,
      Map<String, MetricSample> samples,
      List<String> metricErrors,
      AutoscaleDecision decision,
      Optional<ScaleAheadPredictor.Prediction> prediction,
      Optional<ScaleResponse> response,
      Optional<Operation> inFlight,
      Optional<String> admissionRefusal) {}

  /**
   * Whether a grow may start now, asked before the controller is: the Kubernetes operator checks
   * that the scheduler can place one more pod. Empty admits; a message says what is short.
   */
  @FunctionalInterface
  public interface Admission {
    /** Admits every grow (local processes). */
    Admission ALWAYS = (from, to) -> Optional.empty();

    Optional<String> refuse(int from, int to);
  }

  /** Receives each sync's result and each tick's progress. */
  public interface Listener {
    void onSync(SyncResult result);

    default void onTick(Progress progress) {}
  }

  private final SyncEvaluator evaluator;
  private final ScalingController controller;
  private final HistoryStore history;
  private final Clock clock;
  private final Listener listener;
  private final Admission admission;
  private final Object wakeUp = new Object();

  private String lastHoldReason = "";
  private boolean readBefore;
  private volatile boolean stopRequested;

  /** A loop that acts on {@code evaluator}'s decisions through {@code controller}. */
  public AutoscaleLoop(
      SyncEvaluator evaluator,
      ScalingController controller,
      HistoryStore history,
      Clock clock,
      Listener listener) {
    this(evaluator, controller, history, clock, listener, Admission.ALWAYS);
  }

  /** A loop whose grows are first put to {@code admission}. */
  public AutoscaleLoop(
      SyncEvaluator evaluator,
      ScalingController controller,
      HistoryStore history,
      Clock clock,
      Listener listener,
      Admission admission) {
    this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
    this.controller = Objects.requireNonNull(controller, "controller");
    this.history = Objects.requireNonNull(history, "history");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.admission = Objects.requireNonNull(admission, "admission");
  }

  /** The autoscaling settings this loop evaluates. */
  public AutoscaleSpec spec() {
    return evaluator.spec();
  }

  /** Scale-ahead, when enabled. */
  public Optional<ScaleAheadFeed> scaleAhead() {
    return evaluator.scaleAhead();
  }

  /**
   * Runs until {@link #stop()} is called: resumes an interrupted operation first, then syncs every
   * sync period and ticks in between. Returns after the current stage action when asked to stop;
   * the journal is consistent at every point, so a later run resumes the operation.
   */
  public void run() throws InterruptedException {
    if (controller.resume().isEmpty()) {
      // Members a lost journal left half-added would block every later decision: release them.
      controller.releaseUnjoined();
    }
    Instant nextSync = clock.instant();
    while (!stopRequested) {
      if (!clock.instant().isBefore(nextSync)) {
        sync();
        nextSync = clock.instant().plus(evaluator.spec().syncPeriod());
      }
      if (stopRequested) {
        break;
      }
      Progress progress = controller.tick();
      listener.onTick(progress);
      Duration untilSync = Duration.between(clock.instant(), nextSync);
      Duration wait =
          progress.isIdle() || progress.finished()
              ? untilSync
              : min(progress.nextTick(), untilSync);
      if (!progress.advanced()) {
        pause(max(wait, MIN_WAIT));
      }
    }
    LOG.info("action=stop inFlight={}", controller.inFlight().map(Operation::id).orElse("none"));
  }

  /** The controller this loop drives (callers without {@link #run()} tick it themselves). */
  public ScalingController controller() {
    return controller;
  }

  /** Asks {@link #run()} to return after the current stage action; safe from any thread. */
  public void stop() {
    stopRequested = true;
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
  }

  /** One decision: read, decide, record, and ask the controller when the size should change. */
  public SyncResult sync() {
    Instant now = clock.instant();
    Optional<Operation> inFlight = controller.inFlight();
    SyncEvaluator.Evaluation e = evaluator.evaluate(now, inFlight);
    AutoscaleDecision decision = e.decision();

    int heading = inFlight.map(Operation::to).orElse(decision.currentReplicas());
    Optional<ScaleResponse> response = Optional.empty();
    // While a shrink runs, a new target retargets it: a returning need cancels the pending removal,
    // a lower one stops the shrink earlier. A grow is not retargeted by the engine: the new target
    // waits for it to end rather than being refused and recorded on every sync.
    boolean ask =
        decision.desiredReplicas() != heading
            && inFlight.map(op -> op.to() < op.from()).orElse(true);
    Optional<String> refusal = Optional.empty();
    if (ask && inFlight.isEmpty() && decision.desiredReplicas() > decision.currentReplicas()) {
      refusal = admission.refuse(decision.currentReplicas(), decision.desiredReplicas());
      ask = refusal.isEmpty();
      if (!ask) {
        evaluator.notApplied(e);
      }
    }
    record(decision, e.metricErrors(), refusal);
    readBefore = true;
    if (ask) {
      response =
          Optional.of(
              controller.request(
                  ScaleRequest.auto(decision.desiredReplicas(), decision.reasons())));
      LOG.info(
          "action=decide from={} to={} response={} reasons=\"{}\"",
          decision.currentReplicas(),
          decision.desiredReplicas(),
          response.get().getClass().getSimpleName(),
          String.join("; ", decision.reasons()));
      if (response.get() instanceof ScaleResponse.Accepted) {
        evaluator.operationStarted();
      }
      inFlight = controller.inFlight();
    }
    SyncResult result =
        new SyncResult(
            now,
            e.members(),
            e.view(),
            e.samples(),
            e.metricErrors(),
            decision,
            e.prediction(),
            response,
            inFlight,
            refusal);
    listener.onSync(result);
    return result;
  }

  /**
   * Records what a user would ask about later: a metrics outage (when it starts and ends), a policy
   * hold (no hot shrink, allowed sizes) and a refused admission, once per change rather than every
   * sync.
   */
  private void record(AutoscaleDecision decision, List<String> errors, Optional<String> refusal) {
    String holdReason;
    if (decision.metricsState() == MetricsState.UNAVAILABLE) {
      holdReason = "metrics unavailable";
    } else if (refusal.isPresent()) {
      holdReason = "not admitted: " + refusal.get();
    } else if (!decision.rescale() && decision.sizing().clamped()) {
      holdReason = String.join("; ", decision.sizing().reasons());
    } else {
      holdReason = "";
    }
    if (holdReason.equals(lastHoldReason)) {
      return;
    }
    if (decision.metricsState() == MetricsState.UNAVAILABLE && errors.isEmpty() && !readBefore) {
      // The first read since start: every member answered, but a rate needs a second read. That is
      // no outage, so nothing goes to the history (and no "available again" follows).
      LOG.info(
          "action=hold reason=FirstRead message=\"holding at {} members until rates have two"
              + " reads\"",
          decision.currentReplicas());
      return;
    }
    Instant now = decision.time();
    int current = decision.currentReplicas();
    if (decision.metricsState() == MetricsState.UNAVAILABLE) {
      String why =
          errors.isEmpty()
              ? "no member has reported a value yet (a rate needs two reads)"
              : String.join("; ", errors);
      String message = "metrics unavailable, holding at " + current + " members: " + why;
      LOG.warn("action=hold reason=MetricsUnavailable message=\"{}\"", message);
      history.append(
          HistoryRecord.metricsUnavailable(
              now, current, decision.desiredReplicas(), decision.reasons(), message));
    } else if (lastHoldReason.equals("metrics unavailable")) {
      history.append(
          HistoryRecord.decision(
              now,
              Trigger.AUTO,
              current,
              decision.desiredReplicas(),
              Outcome.HELD,
              decision.reasons(),
              "metrics available again; autoscaling resumes"));
    }
    if (!holdReason.isEmpty() && decision.metricsState() != MetricsState.UNAVAILABLE) {
      history.append(
          HistoryRecord.decision(
              now,
              Trigger.AUTO,
              current,
              refusal.isPresent() ? decision.desiredReplicas() : decision.proposedReplicas(),
              Outcome.HELD,
              decision.reasons(),
              "held at " + current + " members: " + holdReason));
    }
    lastHoldReason = holdReason;
  }

  private void pause(Duration wait) throws InterruptedException {
    synchronized (wakeUp) {
      if (!stopRequested) {
        wakeUp.wait(Math.max(1, wait.toMillis()));
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
