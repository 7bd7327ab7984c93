package dev.ballast.autoscaler;

import dev.ballast.core.autoscale.AutoscaleDecision;
import dev.ballast.core.autoscale.AutoscalePipeline;
import dev.ballast.core.decide.DecisionEngine;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.Snapshot;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.history.AddStepDurations;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.HistoryStore;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.MembershipException;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import dev.ballast.core.port.ReplicaRuntime;
import dev.ballast.core.predict.ScaleAheadPredictor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one sync of an autoscaling loop sees and decides, without acting on it: reads the members,
 * their health and the metrics through the ports, asks scale-ahead (when enabled) for its proposal,
 * and decides with {@link AutoscalePipeline}. {@link AutoscaleLoop} acts on each evaluation; {@code
 * ballast explain} prints one. Keeps the HPA's memory between evaluations. The same class serves
 * local processes and the Kubernetes operator: only the ports differ.
 */
public final class SyncEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(SyncEvaluator.class);

  /** What one evaluation saw and decided; {@code snapshot} is what the HPA arithmetic read. */
  public record Evaluation(
      Instant time,
      List<Member> members,
      Optional<ClusterView> view,
      Map<String, MetricSample> samples,
      List<String> metricErrors,
      Snapshot snapshot,
      AutoscaleDecision decision,
      Optional<ScaleAheadPredictor.Prediction> prediction) {}

  private final AutoscaleSpec spec;
  private final ScalingPolicy policy;
  private final ReplicaRuntime runtime;
  private final Membership membership;
  private final MetricSource metrics;
  private final HistoryStore history;
  private final Optional<ScaleAheadFeed> scaleAhead;
  private final AutoscalePipeline pipeline = AutoscalePipeline.standard();

  private History hpaMemory = History.FIRST_RECONCILE;
  private List<Duration> addSteps;
  private boolean wasInFlight;

  public SyncEvaluator(
      AutoscaleSpec spec,
      ScalingPolicy policy,
      ReplicaRuntime runtime,
      Membership membership,
      MetricSource metrics,
      HistoryStore history,
      Optional<ScaleAheadFeed> scaleAhead) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.membership = Objects.requireNonNull(membership, "membership");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.history = Objects.requireNonNull(history, "history");
    this.scaleAhead = Objects.requireNonNull(scaleAhead, "scaleAhead");
  }

  /** The HPA's memory after the last evaluation (recommendations and scale events). */
  public History hpaMemory() {
    return hpaMemory;
  }

  /**
   * Takes over the HPA's memory an earlier evaluator of the same autoscaler left (a previous
   * leader's, read back from where it was persisted), so that stabilization windows and rate
   * policies go on as if the loop had never stopped.
   */
  public void restoreHpaMemory(History memory) {
    hpaMemory = Objects.requireNonNull(memory, "memory");
  }

  /** The autoscaling settings evaluated. */
  public AutoscaleSpec spec() {
    return spec;
  }

  /** The stateful rules applied. */
  public ScalingPolicy policy() {
    return policy;
  }

  /** Scale-ahead, when enabled. */
  public Optional<ScaleAheadFeed> scaleAhead() {
    return scaleAhead;
  }

  /**
   * Reads every metric once and drops the values: a rate (of a counter, or CPU time) needs a
   * previous read, which the loop has from its last sync and a single evaluation does not.
   */
  public void primeMetrics() {
    List<Member> members = runtime.members();
    for (MetricSpec metric : spec.autoscaler().metrics()) {
      try {
        metrics.read(SnapshotAssembler.sourceName(metric), members);
      } catch (MetricUnavailableException e) {
        // The evaluation that follows reports it.
      }
    }
  }

  /** Reads and decides at {@code now}; {@code inFlight} is the operation under way, if any. */
  public Evaluation evaluate(Instant now, Optional<Operation> inFlight) {
    List<Member> members = runtime.members();
    Optional<ClusterView> view = view(members);
    Set<Integer> ready =
        view.map(
                v ->
                    v.members().stream()
                        .filter(ClusterView.MemberStatus::healthy)
                        .map(ClusterView.MemberStatus::ordinal)
                        .filter(v.votingMembers()::contains)
                        .collect(Collectors.toSet()))
            .orElse(Set.of());

    Map<String, MetricSample> samples = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    for (MetricSpec metric : spec.autoscaler().metrics()) {
      String name = SnapshotAssembler.sourceName(metric);
      try {
        samples.put(name, metrics.read(name, members));
      } catch (MetricUnavailableException e) {
        errors.add(name + ": " + e.getMessage());
      }
    }

    Optional<ScaleAheadPredictor.Prediction> prediction = Optional.empty();
    if (scaleAhead.isPresent()) {
      int heading = inFlight.map(Operation::to).orElse(members.size());
      prediction =
          scaleAhead
              .get()
              .sync(
                  now,
                  samples,
                  addSteps(inFlight.isPresent()),
                  spec.syncPeriod(),
                  heading,
                  policy.maxReplicas(),
                  spec.controller().tolerance());
    }
    // The pods the HPA sets aside before counting those missing a metric.
    SnapshotAssembler.SetAside setAside =
        new SnapshotAssembler.SetAside(
            members.stream()
                .map(Member::ordinal)
                .filter(runtime::failed)
                .collect(Collectors.toSet()),
            members.stream()
                .map(Member::ordinal)
                .filter(runtime::deleting)
                .collect(Collectors.toSet()));
    Snapshot snapshot =
        SnapshotAssembler.assemble(now, spec, members, ready, setAside, samples, hpaMemory);
    OptionalInt predicted =
        prediction.map(ScaleAheadPredictor.Prediction::proposal).orElse(OptionalInt.empty());
    AutoscaleDecision decision = pipeline.decide(snapshot, withNodeCount(policy), predicted);
    hpaMemory = decision.memory();
    return new Evaluation(now, members, view, samples, errors, snapshot, decision, prediction);
  }

  /**
   * The policy with the node count the runtime sees now, when the size follows it (on Kubernetes
   * the schedulable Nodes change while the operator runs; locally the count is the configured one).
   */
  private ScalingPolicy withNodeCount(ScalingPolicy rules) {
    if (rules.nodes().sizing().isEmpty()) {
      return rules;
    }
    OptionalInt nodes = runtime.schedulableNodes();
    return nodes.isPresent() ? rules.withSchedulableNodes(nodes.getAsInt()) : rules;
  }

  /**
   * Tells the evaluator that {@code evaluation}'s size change was not made (a preflight refused
   * it): the HPA's memory keeps its recommendations but records no scale event, so the rate
   * policies do not count a change that never happened.
   */
  public void notApplied(Evaluation evaluation) {
    hpaMemory =
        DecisionEngine.memoryAfter(
            evaluation.snapshot(),
            evaluation.decision().hpa(),
            evaluation.decision().currentReplicas());
  }

  /**
   * Tells the evaluator that an operation started after its last evaluation, so that the next one
   * re-reads the completed add steps even when the operation has already ended.
   */
  public void operationStarted() {
    wasInFlight = true;
  }

  /**
   * The durations of completed add steps, re-read from the history on the first evaluation and
   * while an operation runs or has ended since the last evaluation (only then can a step have
   * completed).
   */
  private List<Duration> addSteps(boolean inFlight) {
    if (addSteps == null || inFlight || wasInFlight) {
      addSteps = AddStepDurations.of(history.list());
    }
    wasInFlight = inFlight;
    return addSteps;
  }

  private Optional<ClusterView> view(List<Member> members) {
    if (members.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(membership.view(members));
    } catch (MembershipException e) {
      LOG.warn("action=view error=\"{}\"", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The name the metric source is asked for {@code metric}: its name, or {@code
   * <resource>{container="<container>"}} for a {@code ContainerResource} metric.
   */
  public static String sourceName(MetricSpec metric) {
    return SnapshotAssembler.sourceName(metric);
  }
}
