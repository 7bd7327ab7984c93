package dev.ballast.operator;

import dev.ballast.autoscaler.AutoscaleLoop;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.execute.Progress;
import dev.ballast.core.execute.ScaleRequest;
import dev.ballast.core.execute.ScaleResponse;
import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.RefusalReason;
import dev.ballast.crd.InvalidSpecException;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerStatus;
import dev.ballast.operator.KubernetesEvents.Reason;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The StatefulAutoscaler reconciler, thin by design: read the resource, map it (once per spec
 * generation) onto the core's records ({@link ManagedCluster}), sync the shared {@link
 * AutoscaleLoop} when the sync period is due, tick the in-flight operation one stage, patch the
 * status, and reschedule (at the next stage's poll while an operation runs, else at the sync
 * period). StatefulSet and Pod informers wake it when the target or its pods change, and their
 * caches serve the snapshot ({@link KubernetesReads}): a steady reconcile sends no request to the
 * API server, and patches the status only when it changed. What must be fresh is read fresh where
 * it is written: the journal's status writes carry the resourceVersion they were computed on
 * ({@link StatusWriter}, which also ignores a cached copy older than its last write), and the
 * actions re-read the replicas, pods and claims they act on ({@link KubernetesReplicaRuntime}). Log
 * lines carry the resource as {@code namespace}/{@code name} in the MDC.
 */
public final class StatefulAutoscalerReconciler implements Reconciler<StatefulAutoscaler> {
  private static final Logger LOG = LoggerFactory.getLogger(StatefulAutoscalerReconciler.class);

  /** Shortest reschedule while an operation runs, so a polling stage does not spin. */
  static final Duration MIN_TICK = Duration.ofMillis(200);

  /** The wait before asking again a spec.replicas whose operation failed the first time. */
  static final Duration RETRY_FIRST = Duration.ofSeconds(30);

  /** The longest wait between two attempts at a spec.replicas that keeps failing. */
  static final Duration RETRY_MAX = Duration.ofMinutes(10);

  /** How long to wait before looking again at a resource whose spec or target is wrong. */
  static final Duration RETRY_INVALID = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final Clock clock;
  private final KubernetesEvents events;
  private final OperatorMetrics metrics;
  private final SystemClaim systems;
  private final Map<String, ManagedCluster> clusters = new ConcurrentHashMap<>();
  private final Map<String, String> lastProblem = new ConcurrentHashMap<>();

  /**
   * Where targets and pods are read: the API server until {@link #prepareEventSources} gives the
   * informer caches (a reconciler driven by hand keeps the server).
   */
  private volatile KubernetesReads reads;

  public StatefulAutoscalerReconciler(
      KubernetesClient client, Clock clock, KubernetesEvents events, OperatorMetrics metrics) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.events = Objects.requireNonNull(events, "events");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.systems = new SystemClaim(client, clock, events);
    this.reads = KubernetesReads.apiServer(client);
  }

  /** A reconciler reading targets and pods through {@code reads} (an informer store, a test's). */
  public StatefulAutoscalerReconciler(
      KubernetesClient client,
      KubernetesReads reads,
      Clock clock,
      KubernetesEvents events,
      OperatorMetrics metrics) {
    this(client, clock, events, metrics);
    this.reads = Objects.requireNonNull(reads, "reads");
  }

  @Override
  public List<EventSource<?, StatefulAutoscaler>> prepareEventSources(
      EventSourceContext<StatefulAutoscaler> context) {
    var statefulSets =
        InformerEventSourceConfiguration.from(StatefulSet.class, StatefulAutoscaler.class)
            .withSecondaryToPrimaryMapper(
                (StatefulSet sts) ->
                    InformerReads.referring(
                        context,
                        "StatefulSet",
                        sts.getMetadata().getNamespace(),
                        sts.getMetadata().getName()))
            .build();
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, StatefulAutoscaler.class)
            .withSecondaryToPrimaryMapper(
                (Pod pod) ->
                    InformerReads.owningTargets(
                        context.getPrimaryCache().list(pod.getMetadata().getNamespace()), pod))
            .build();
    // Which resources name each target informer: it is stopped when none does (InformerReads).
    context.getPrimaryCache().addIndexer(InformerReads.BY_TARGET, InformerReads::targetKey);
    InformerEventSource<StatefulSet, StatefulAutoscaler> statefulSetSource =
        new InformerEventSource<>(statefulSets, context);
    InformerEventSource<Pod, StatefulAutoscaler> podSource =
        new InformerEventSource<>(pods, context);
    // The caches that wake the reconciler also serve its snapshot: no GET in a steady reconcile.
    // Other target kinds and the Nodes get their informers when first needed (InformerReads).
    reads = new InformerReads(client, statefulSetSource::get, podSource::get);
    return List.of(statefulSetSource, podSource);
  }

  @Override
  public UpdateControl<StatefulAutoscaler> reconcile(
      StatefulAutoscaler sas, Context<StatefulAutoscaler> context) {
    String key = sas.getMetadata().getNamespace() + "/" + sas.getMetadata().getName();
    MDC.put("namespace", sas.getMetadata().getNamespace());
    MDC.put("name", sas.getMetadata().getName());
    Timer.Sample sample = Timer.start(metrics.registry());
    try {
      return reconcile(key, sas, context);
    } finally {
      sample.stop(metrics.reconcileTimer());
      MDC.remove("namespace");
      MDC.remove("name");
    }
  }

  private UpdateControl<StatefulAutoscaler> reconcile(
      String key, StatefulAutoscaler sas, Context<StatefulAutoscaler> context) {
    Instant now = clock.instant();
    ManagedCluster c;
    try {
      if (reads instanceof InformerReads informers) {
        // A target kind without a cache yet gets one; without the permission, one Event says which.
        onceWhile(
            sas, key, Reason.UNCACHED, informers.serve(context.eventSourceRetriever(), sas, now));
        // Nodes listed at each read (no list/watch on nodes): one Event says which permission.
        onceWhile(
            sas,
            key,
            Reason.NODES_UNCACHED,
            informers.serveNodes(context.eventSourceRetriever(), sas));
      }
      c = cluster(key, sas);
    } catch (InvalidSpecException e) {
      return degraded(sas, Reason.INVALID_SPEC, "InvalidSpec", e.getMessage());
    } catch (IllegalStateException | KubernetesClientException e) {
      return degraded(sas, Reason.TARGET_NOT_FOUND, "TargetNotFound", e.getMessage());
    }
    c.writer.refresh(sas);
    if (!sas.paused()) {
      ended(key, Reason.PAUSED);
    }
    if (sas.paused()) {
      once(
          key,
          Reason.PAUSED,
          "paused",
          () -> events.emit(sas, Reason.PAUSED, "paused by annotation"));
      patch(c, s -> s.phase = "Paused", now, Optional.empty());
      return UpdateControl.<StatefulAutoscaler>noUpdate()
          .rescheduleAfter(c.settings.autoscale().syncPeriod());
    }
    Optional<Operation> inFlight;
    int current;
    try {
      if (!c.resumed) {
        c.controller.resume();
        c.resumed = true;
      }
      inFlight = c.controller.inFlight();
      current = c.target.replicas();
      if (inFlight.isEmpty()) {
        externalEdit(c, current, now);
      }
      if (!now.isBefore(c.nextSync)) {
        // Components of one system (spec.system) change one at a time: see SystemClaim.
        Optional<Duration> wait =
            inFlight.isPresent() ? Optional.empty() : systems.hold(c, sas, context, current);
        if (wait.isPresent()) {
          return UpdateControl.<StatefulAutoscaler>noUpdate().rescheduleAfter(wait.get());
        }
        c.nextSync = now.plus(c.settings.autoscale().syncPeriod());
        if (c.settings.autoscaling()) {
          AutoscaleLoop.SyncResult r = c.loop.sync();
          metrics.decision(
              r.decision().rescale()
                  ? r.decision().desiredReplicas() > r.decision().currentReplicas()
                      ? "scale-up"
                      : "scale-down"
                  : "hold",
              r.decision().metricsState().name());
          r.metricErrors().forEach(metrics::metricFetchError);
          metricsOutage(sas, key, r);
          r.admissionRefusal()
              .ifPresent(
                  why ->
                      once(
                          key,
                          Reason.INSUFFICIENT_CAPACITY,
                          "capacity:" + why,
                          () -> events.emit(sas, Reason.INSUFFICIENT_CAPACITY, why)));
        } else {
          fixedSize(c, sas, key, current, inFlight);
        }
        verticalAdvice(c, key, current);
      }
      Progress progress = c.controller.tick();
      inFlight = c.controller.inFlight();
      current = c.target.replicas();
      int currentReplicas = current;
      Optional<Operation> op = inFlight;
      patch(
          c,
          s -> {
            s.phase = op.isPresent() ? "Scaling" : "Idle";
            s.replicas = currentReplicas;
            s.observedTargetReplicas = currentReplicas;
          },
          now,
          op);
      metrics.replicas(
          key,
          current,
          c.writer.status().desiredReplicas == null ? current : c.writer.status().desiredReplicas);
      lastProblem.remove(key + ":degraded");
      ended(key, Reason.INVALID_SPEC);
      ended(key, Reason.TARGET_NOT_FOUND);
      Duration next =
          inFlight.isPresent()
              ? max(progress.nextTick(), MIN_TICK)
              : max(Duration.between(clock.instant(), c.nextSync), MIN_TICK);
      return UpdateControl.<StatefulAutoscaler>noUpdate().rescheduleAfter(next);
    } catch (SystemClaim.BusyException e) {
      // A sibling took the system between the check and this operation's start: nothing started.
      LOG.info("action=system-busy message=\"{}\"", e.getMessage());
      drop(key);
      return UpdateControl.<StatefulAutoscaler>noUpdate().rescheduleAfter(MIN_TICK);
    } catch (StatusWriter.ConflictException e) {
      // Another writer moved the journal on: forget this wiring and re-read everything.
      LOG.warn("action=conflict message=\"{}\"", e.getMessage());
      events.emit(sas, Reason.CONFLICT, e.getMessage());
      drop(key);
      return UpdateControl.<StatefulAutoscaler>noUpdate().rescheduleAfter(MIN_TICK);
    }
  }

  private ManagedCluster cluster(String key, StatefulAutoscaler sas) {
    long generation =
        sas.getMetadata().getGeneration() == null ? 0 : sas.getMetadata().getGeneration();
    ManagedCluster c = clusters.get(key);
    if (c != null && c.generation == generation) {
      return c;
    }
    drop(key);
    ManagedCluster fresh = ManagedCluster.wire(client, reads, sas, events, clock, metrics);
    fresh
        .target
        .read()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "target "
                        + fresh.target.reference()
                        + " not found in "
                        + sas.getMetadata().getNamespace()));
    clusters.put(key, fresh);
    LOG.info("action=wire generation={} target={}", generation, fresh.target.reference());
    return fresh;
  }

  private void drop(String key) {
    ManagedCluster old = clusters.remove(key);
    if (old != null) {
      old.close();
    }
  }

  /** Without metrics, spec.replicas is the size: asked once per value, made safely. */
  private void fixedSize(
      ManagedCluster c, StatefulAutoscaler sas, String key, int current, Optional<Operation> op) {
    if (c.settings.fixedReplicas().isEmpty()) {
      return;
    }
    int wanted = c.settings.fixedReplicas().getAsInt();
    int heading = op.map(Operation::to).orElse(current);
    if (op.isEmpty() && current == wanted) {
      c.fixedFailures = 0;
      c.fixedRetryAt = null;
      c.fixedFailure = null;
    }
    boolean asked = Integer.valueOf(wanted).equals(c.lastFixedRequest);
    // Only an accepted request that ended short of the size failed; a refused one (no hot shrink,
    // a size outside the bounds) stays refused until spec.replicas changes.
    if (wanted == heading
        || (asked && (op.isPresent() || !c.fixedAccepted || !retryDue(c, sas, wanted, current)))) {
      desire(c, wanted);
      return;
    }
    if (wanted > current && op.isEmpty() && c.settings.preflight()) {
      Optional<String> why = ManagedCluster.capacity(client, c.target);
      if (why.isPresent()) {
        once(
            key,
            Reason.INSUFFICIENT_CAPACITY,
            "capacity:" + why.get(),
            () -> events.emit(sas, Reason.INSUFFICIENT_CAPACITY, why.get()));
        patch(
            c,
            s ->
                s.conditions =
                    StatusMapper.put(
                        s.conditions,
                        StatusMapper.condition(
                            s.conditions,
                            "AbleToScale",
                            false,
                            "InsufficientCapacity",
                            why.get(),
                            clock.instant())),
            clock.instant(),
            op);
        return;
      }
    }
    c.lastFixedRequest = wanted;
    ScaleResponse response = c.controller.request(ScaleRequest.manual(wanted));
    c.fixedAccepted = !(response instanceof ScaleResponse.Refused);
    LOG.info(
        "action=request from={} to={} response={}",
        current,
        wanted,
        response.getClass().getSimpleName());
    if (response instanceof ScaleResponse.Refused refused) {
      String message = "spec.replicas " + wanted + " refused: " + refused.refusal().message();
      if (transientRefusal(refused.refusal().reason())) {
        // Another operation runs or the cluster is not ready yet: ask again at the next reconcile
        // (an HPA or kubectl scale writes spec.replicas once and expects it to be reached).
        c.lastFixedRequest = null;
        once(key, Reason.HELD, "waiting:" + wanted, () -> events.emit(sas, Reason.HELD, message));
      } else {
        events.emit(sas, Reason.HELD, message);
      }
    }
    desire(c, wanted);
  }

  /** Records spec.replicas as the desired size; a status write only when it changes. */
  private static void desire(ManagedCluster c, int wanted) {
    if (!Integer.valueOf(wanted).equals(c.writer.status().desiredReplicas)) {
      c.writer.update(s -> s.desiredReplicas = wanted);
    }
  }

  /**
   * After the accepted operation toward spec.replicas ended without reaching it (a failed or
   * rolled-back step): the first time, records the failure (Degraded=True {@code ScaleFailed}, an
   * Event {@code ScaleFailed} saying why and when the retry comes) and schedules a retry after
   * {@link #retryBackoff}; once that time has come, an Event {@code ScaleRetry} and true (ask
   * again).
   */
  private boolean retryDue(ManagedCluster c, StatefulAutoscaler sas, int wanted, int current) {
    Instant now = clock.instant();
    if (c.fixedRetryAt == null) {
      c.fixedFailures++;
      c.fixedRetryAt = now.plus(retryBackoff(c.fixedFailures));
      String why =
          c.history.list().stream()
              .filter(h -> h.outcome() == Outcome.FAILED || h.outcome() == Outcome.ROLLED_BACK)
              .reduce((a, b) -> b)
              .map(HistoryRecord::message)
              .orElse("the operation ended without reaching it");
      c.fixedFailure =
          "spec.replicas "
              + wanted
              + " not reached (at "
              + current
              + "): "
              + why
              + "; attempt "
              + (c.fixedFailures + 1)
              + " at "
              + c.fixedRetryAt;
      LOG.warn(
          "action=scale-failed to={} at={} retry_at={} message=\"{}\"",
          wanted,
          current,
          c.fixedRetryAt,
          why);
      events.emit(sas, Reason.SCALE_FAILED, c.fixedFailure);
      return false;
    }
    if (now.isBefore(c.fixedRetryAt)) {
      return false;
    }
    c.fixedRetryAt = null;
    LOG.info("action=scale-retry to={} attempt={}", wanted, c.fixedFailures + 1);
    events.emit(
        sas,
        Reason.SCALE_RETRY,
        "asking spec.replicas " + wanted + " again (attempt " + (c.fixedFailures + 1) + ")");
    return true;
  }

  /**
   * The wait before attempt {@code failures + 1} at a spec.replicas that failed {@code failures}
   * times: {@link #RETRY_FIRST} doubled per failure, at most {@link #RETRY_MAX}.
   */
  static Duration retryBackoff(int failures) {
    Duration d = RETRY_FIRST.multipliedBy(1L << Math.min(failures - 1, 20));
    return d.compareTo(RETRY_MAX) > 0 ? RETRY_MAX : d;
  }

  /** Whether a refused size may be accepted later without a new request from the user. */
  private static boolean transientRefusal(RefusalReason reason) {
    return reason == RefusalReason.OPERATION_IN_PROGRESS
        || reason == RefusalReason.CLUSTER_NOT_READY;
  }

  /** A change of the target's replicas that Ballast did not make: recorded and planned from. */
  private void externalEdit(ManagedCluster c, int current, Instant now) {
    Integer observed = c.writer.status().observedTargetReplicas;
    if (observed == null || observed == current) {
      return;
    }
    String message =
        c.target.reference()
            + " replicas changed outside Ballast from "
            + observed
            + " to "
            + current
            + "; planning from "
            + current;
    LOG.warn("action=external-edit from={} to={}", observed, current);
    events.emit(c.writer.resource(), Reason.EXTERNAL_EDIT, message);
    c.history.append(
        HistoryRecord.decision(
            now, Trigger.MANUAL, observed, current, Outcome.SUCCEEDED, List.of(), message));
    c.writer.update(s -> s.observedTargetReplicas = current);
    // Plan from the new size: spec.replicas, even when already reached once, is asked again.
    c.lastFixedRequest = null;
  }

  /**
   * Feeds spec.verticalAdvice's histograms with the members' usage; a failure to read it is
   * recorded in status.verticalAdvice (the advice unchanged) and never fails the reconcile.
   */
  private void verticalAdvice(ManagedCluster c, String key, int current) {
    if (c.vertical.isEmpty()) {
      return;
    }
    VerticalAdviceTracker tracker = c.vertical.get();
    List<String> pods =
        java.util.stream.IntStream.range(0, current).mapToObj(c.target::podName).toList();
    try {
      tracker.observe(c.podMetrics.containerUsage(pods), pods);
      lastProblem.remove(key + ":vertical");
    } catch (RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      tracker.unavailable(why);
      if (lastProblem.put(key + ":vertical", why) == null) {
        LOG.warn("action=vertical-advice-unavailable message=\"{}\"", why);
      }
    }
  }

  /** One Event per outage of the metrics, and one when they come back. */
  private void metricsOutage(StatefulAutoscaler sas, String key, AutoscaleLoop.SyncResult r) {
    boolean down =
        r.decision().metricsState()
            == dev.ballast.core.autoscale.AutoscaleDecision.MetricsState.UNAVAILABLE;
    boolean wasDown = lastProblem.containsKey(key + ":metrics");
    if (down && !wasDown) {
      String why = String.join("; ", r.metricErrors());
      lastProblem.put(key + ":metrics", why);
      events.emit(
          sas,
          Reason.METRICS_UNAVAILABLE,
          "holding at "
              + r.decision().currentReplicas()
              + ": "
              + (why.isEmpty() ? "no value yet" : why));
    } else if (!down && wasDown) {
      lastProblem.remove(key + ":metrics");
      events.emit(sas, Reason.METRICS_AVAILABLE, "metrics available again; autoscaling resumes");
    }
  }

  private void patch(
      ManagedCluster c,
      java.util.function.Consumer<StatefulAutoscalerStatus> extra,
      Instant now,
      Optional<Operation> op) {
    StatefulAutoscalerStatus before = c.writer.status();
    StatefulAutoscalerStatus next = Serialization.clone(c.writer.resource()).getStatus();
    apply(c, next, now, op);
    extra.accept(next);
    if (Serialization.asJson(next).equals(Serialization.asJson(before))) {
      return;
    }
    c.writer.update(
        s -> {
          apply(c, s, now, op);
          extra.accept(s);
        });
  }

  private void apply(
      ManagedCluster c, StatefulAutoscalerStatus s, Instant now, Optional<Operation> op) {
    StatefulAutoscaler sas = c.writer.resource();
    s.observedGeneration = sas.getMetadata().getGeneration();
    s.reference = c.target.reference();
    s.selector = c.target.selector().orElse(null);
    c.lastSyncResult()
        .ifPresent(
            r -> {
              s.desiredReplicas = r.decision().desiredReplicas();
              s.targets = StatusMapper.targets(r.decision());
              s.currentMetrics = StatusMapper.currentMetrics(r.decision());
              s.conditions = StatusMapper.hpaConditions(s.conditions, r, r.time());
              if (!c.evaluator.hpaMemory().isFirstReconcile()) {
                s.hpaMemory = StatusMapper.hpaMemory(c.evaluator.hpaMemory());
              }
              if (c.evaluator.scaleAhead().isPresent()) {
                s.forecast = c.forecast.toJson();
              }
            });
    s.verticalAdvice = c.vertical.map(v -> v.status(c.containerRequests())).orElse(null);
    s.conditions = StatusMapper.put(s.conditions, StatusMapper.progressing(s.conditions, op, now));
    s.conditions =
        StatusMapper.put(
            s.conditions,
            c.fixedFailure == null
                ? StatusMapper.condition(
                    s.conditions, StatusMapper.DEGRADED, false, "AsExpected", "", now)
                : StatusMapper.condition(
                    s.conditions, StatusMapper.DEGRADED, true, "ScaleFailed", c.fixedFailure, now));
    c.history.list().stream()
        .filter(h -> h.outcome() == Outcome.SUCCEEDED && h.operationId() != null)
        .reduce((a, b) -> b)
        .ifPresent(h -> s.lastScaleTime = h.time().toString());
  }

  private UpdateControl<StatefulAutoscaler> degraded(
      StatefulAutoscaler sas, Reason reason, String conditionReason, String message) {
    String key = sas.getMetadata().getNamespace() + "/" + sas.getMetadata().getName();
    drop(key);
    LOG.warn("action=degraded reason={} message=\"{}\"", conditionReason, message);
    once(key, reason, "degraded:" + message, () -> events.emit(sas, reason, message));
    lastProblem.put(key + ":degraded", message);
    StatusWriter writer = new StatusWriter(client, sas);
    Instant now = clock.instant();
    writer.update(
        s -> {
          s.phase = "Failed";
          s.observedGeneration = sas.getMetadata().getGeneration();
          s.conditions =
              StatusMapper.put(
                  s.conditions,
                  StatusMapper.condition(
                      s.conditions, StatusMapper.DEGRADED, true, conditionReason, message, now));
        });
    return UpdateControl.<StatefulAutoscaler>noUpdate().rescheduleAfter(RETRY_INVALID);
  }

  /**
   * Runs {@code action} once per distinct {@code what} for this resource and {@code reason}: one
   * slot per reason, so another one-time Event in between does not make it run again; {@link
   * #ended} ends the outage (the next {@code what} runs again).
   */
  private void once(String key, Reason reason, String what, Runnable action) {
    if (!what.equals(lastProblem.put(key + ":once:" + reason.code(), what))) {
      action.run();
    }
  }

  /** The condition behind {@code reason}'s one-time Event is over for this resource. */
  private void ended(String key, Reason reason) {
    lastProblem.remove(key + ":once:" + reason.code());
  }

  /** One Event {@code reason} while {@code why} is present (per distinct why), none after. */
  private void onceWhile(StatefulAutoscaler sas, String key, Reason reason, Optional<String> why) {
    why.ifPresentOrElse(
        w -> once(key, reason, w, () -> events.emit(sas, reason, w)), () -> ended(key, reason));
  }

  /** The clusters this replica currently manages (for tests and /readyz). */
  int managed() {
    return clusters.size();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
