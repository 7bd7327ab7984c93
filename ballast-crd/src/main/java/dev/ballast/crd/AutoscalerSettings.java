package dev.ballast.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.AutoscalingV2Reader;
import dev.ballast.api.InvalidDocumentException;
import dev.ballast.api.PredictionReader;
import dev.ballast.api.Times;
import dev.ballast.api.VerticalAdviceReader;
import dev.ballast.autoscaler.AutoscaleSpec;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.ControllerSettings;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.policy.NodeCountSizing;
import dev.ballast.core.policy.NodeRules;
import dev.ballast.core.policy.OnMetricFailure;
import dev.ballast.core.policy.PolicyValidationException;
import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.core.policy.StageTimeouts;
import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.predict.PredictionSettings;
import dev.ballast.core.vertical.VerticalSettings;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec.MembershipType;
import dev.ballast.crd.v1alpha1.VerticalAdvice;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A StatefulAutoscaler's spec mapped onto the core's records: the {@link ScalingPolicy} (built with
 * the policy's own builder, so a field left out takes the same default as in a local cluster file),
 * the {@link AutoscaleSpec} of the shared sync loop ({@code metrics} and {@code behavior} read by
 * the same {@code autoscaling/v2} reader), the {@link PredictionSettings} (the same reader as
 * cluster files) and the membership adapter. {@code autoscaling} is whether the spec names metrics;
 * without, {@code fixedReplicas} ({@code spec.replicas}) is the size. A {@code Prometheus} metric
 * becomes an {@code External} metric named {@link #PROMETHEUS_PREFIX} + its query, read by the
 * Prometheus source. {@code vertical} is {@code spec.verticalAdvice} as the core's {@link
 * VerticalSettings} (empty when not asked for).
 */
public record AutoscalerSettings(
    ScalingPolicy policy,
    AutoscaleSpec autoscale,
    PredictionSettings prediction,
    MembershipType membership,
    Map<String, String> membershipSettings,
    boolean preflight,
    boolean autoscaling,
    OptionalInt fixedReplicas,
    RunbookSettings runbook,
    Optional<VerticalSettings> vertical) {

  /** The External metric name prefix of a Prometheus query. */
  public static final String PROMETHEUS_PREFIX = "prometheus:";

  private static final ObjectMapper JSON = Serialization.jsonMapper();

  public AutoscalerSettings {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(autoscale, "autoscale");
    Objects.requireNonNull(prediction, "prediction");
    Objects.requireNonNull(membership, "membership");
    membershipSettings = Map.copyOf(membershipSettings);
    Objects.requireNonNull(runbook, "runbook");
    Objects.requireNonNull(vertical, "vertical");
  }

  /**
   * Maps {@code spec}; {@code cpuRequestMilli} is the cpu the target's pods request (the divisor of
   * a cpu utilization).
   *
   * @throws InvalidSpecException with every problem, each naming its field under {@code spec.}
   */
  public static AutoscalerSettings from(StatefulAutoscalerSpec spec, long cpuRequestMilli) {
    return from(spec, cpuRequestMilli, Map.of());
  }

  /**
   * Maps {@code spec}; {@code cpuRequestMilli} is the cpu the target's pods request and {@code
   * containerCpuRequestMilli} the cpu each of their containers requests, by name (the divisors of a
   * {@code Resource} and a {@code ContainerResource} cpu utilization).
   *
   * @throws InvalidSpecException with every problem, each naming its field under {@code spec.}
   */
  public static AutoscalerSettings from(
      StatefulAutoscalerSpec spec,
      long cpuRequestMilli,
      Map<String, Long> containerCpuRequestMilli) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      throw new InvalidSpecException(List.of("spec: required; set spec.targetRef and maxReplicas"));
    }
    ScalingPolicy.Builder b = ScalingPolicy.builder();
    if (spec.minReplicas != null) {
      b.minReplicas(spec.minReplicas);
    }
    if (spec.maxReplicas == null) {
      problems.add("spec.maxReplicas: required; set the largest size, e.g. 7");
    } else {
      b.maxReplicas(spec.maxReplicas);
    }
    if (spec.allowedReplicas != null) {
      if (spec.allowedReplicas.contains(null)) {
        problems.add(
            "spec.allowedReplicas["
                + spec.allowedReplicas.indexOf(null)
                + "]: must be a size, was null; remove it or write a number, e.g. [3, 5, 7]");
      } else {
        b.allowedReplicas(spec.allowedReplicas);
      }
    }
    MembershipType membership =
        spec.membership == null || spec.membership.type == null
            ? MembershipType.None
            : spec.membership.type;
    // Members without a membership protocol do not vote: no quorum arithmetic for their removals
    // (the same rule as a local cluster file's).
    b.quorumGuard(membership == MembershipType.None ? QuorumGuard.NONE : QuorumGuard.MAJORITY);
    if (spec.membership != null && spec.membership.quorum != null) {
      b.quorumGuard(
          spec.membership.quorum == StatefulAutoscalerSpec.Quorum.None
              ? QuorumGuard.NONE
              : QuorumGuard.MAJORITY);
    }
    Map<String, String> membershipSettings =
        spec.membership == null || spec.membership.settings == null
            ? Map.of()
            : spec.membership.settings;
    RunbookSettings runbook = RunbookSettings.from(spec, membershipSettings, problems);
    nodeRules(spec, problems).ifPresent(b::nodes);
    if (spec.scaleDown != null) {
      if (spec.scaleDown.policy != null) {
        b.shrink(
            spec.scaleDown.policy == StatefulAutoscalerSpec.ShrinkPolicy.Disabled
                ? ShrinkPolicy.DISABLED
                : ShrinkPolicy.ALLOWED);
      }
      if (spec.scaleDown.dataPolicy != null) {
        b.dataPolicy(
            spec.scaleDown.dataPolicy == StatefulAutoscalerSpec.DataPolicy.Delete
                ? DataPolicy.DELETE
                : DataPolicy.RETAIN);
      }
      duration(spec.scaleDown.drainTimeout, "spec.scaleDown.drainTimeout", problems)
          .ifPresent(b::drainTimeout);
    }
    boolean preflight = true;
    if (spec.scaleUp != null) {
      duration(spec.scaleUp.verifyTimeout, "spec.scaleUp.verifyTimeout", problems)
          .ifPresent(
              d ->
                  b.timeouts(
                      StageTimeouts.uniform(ScalingPolicy.DEFAULT_STAGE_TIMEOUT)
                          .with(Stage.VERIFY, d)));
      preflight = spec.scaleUp.preflight == null || spec.scaleUp.preflight;
    }
    if (spec.onMetricFailure != null) {
      b.onMetricFailure(
          spec.onMetricFailure == StatefulAutoscalerSpec.OnMetricFailure.ScaleToMax
              ? OnMetricFailure.SCALE_TO_MAX
              : OnMetricFailure.HOLD);
    }
    Duration syncPeriod =
        duration(spec.syncPeriod, "spec.syncPeriod", problems)
            .orElse(AutoscaleSpec.DEFAULT_SYNC_PERIOD);

    AutoscalingV2Reader.MetricsAndBehavior read = null;
    try {
      read = AutoscalingV2Reader.read(autoscalingV2(spec, problems), "spec");
    } catch (InvalidDocumentException e) {
      problems.add(e.getMessage());
    }
    PredictionSettings prediction = PredictionSettings.disabled();
    if (spec.prediction != null) {
      prediction =
          PredictionReader.read(
              JSON.valueToTree(spec.prediction),
              "spec.prediction",
              (path, v) -> duration(v.asText(), path, problems).orElse(null),
              (field, message) -> problems.add(field + ": " + message));
    }
    Optional<VerticalSettings> vertical = vertical(spec.verticalAdvice, problems);
    ScalingPolicy policy = null;
    if (problems.isEmpty()) {
      try {
        policy = b.build();
      } catch (PolicyValidationException e) {
        e.problems().forEach(p -> problems.add("spec." + p));
      }
    }
    if (policy != null && spec.replicas != null && !policy.allows(spec.replicas)) {
      problems.add(
          "spec.replicas: "
              + spec.replicas
              + " is not an allowed size; use one within minReplicas..maxReplicas"
              + (policy.allowedReplicas().isEmpty()
                  ? ""
                  : " and among allowedReplicas [" + policy.allowedReplicasText() + "]"));
    }
    if (read != null
        && read.metrics().isEmpty()
        && spec.replicas == null
        && spec.sizeByNodes == null
        && policy != null
        && problems.isEmpty()) {
      problems.add(
          "spec.metrics: set at least one metric to autoscale on, spec.replicas, or"
              + " spec.sizeByNodes");
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    Autoscaler autoscaler =
        new Autoscaler(
            policy.minReplicas(), policy.maxReplicas(), read.metrics(), read.behavior(), List.of());
    return new AutoscalerSettings(
        policy,
        new AutoscaleSpec(
            autoscaler,
            ControllerSettings.DEFAULTS,
            syncPeriod,
            cpuRequestMilli,
            containerCpuRequestMilli),
        prediction,
        membership,
        membershipSettings,
        preflight,
        // A size that follows the node count is decided by the sync loop, as metrics are.
        !read.metrics().isEmpty() || spec.sizeByNodes != null,
        spec.replicas == null ? OptionalInt.empty() : OptionalInt.of(spec.replicas),
        runbook,
        vertical);
  }

  /**
   * {@code spec.verticalAdvice} as the core's settings: a field left out takes {@link
   * VerticalSettings#defaults()}'s value; empty when the section is absent or not enabled.
   */
  static Optional<VerticalSettings> vertical(VerticalAdvice v, List<String> problems) {
    if (v == null || Boolean.FALSE.equals(v.enabled)) {
      return Optional.empty();
    }
    String at = "spec.verticalAdvice.";
    PredictionReader.Problems report = (field, message) -> problems.add(field + ": " + message);
    int before = problems.size();
    Double minCpu = VerticalAdviceReader.quantity(v.minCpu, at + "minCpu", "25m", report);
    Double minMemory =
        VerticalAdviceReader.quantity(v.minMemory, at + "minMemory", "250Mi", report);
    Duration halfLife = duration(v.halfLife, at + "halfLife", problems).orElse(null);
    Optional<VerticalSettings> settings =
        VerticalAdviceReader.settings(
            new VerticalAdviceReader.Values(
                v.enabled,
                v.targetPercentile,
                v.lowerPercentile,
                v.upperPercentile,
                v.safetyMargin,
                minCpu,
                minMemory,
                halfLife),
            field -> at + field,
            report);
    return problems.size() > before ? Optional.empty() : settings;
  }

  /**
   * {@code sizeByNodes} and {@code placement} as the policy's node rules; the node count itself is
   * the runtime's (the schedulable Nodes), set at each sync.
   */
  private static Optional<NodeRules> nodeRules(StatefulAutoscalerSpec spec, List<String> problems) {
    boolean onePerNode = spec.placement == StatefulAutoscalerSpec.Placement.OnePerNode;
    Optional<NodeCountSizing> sizing = Optional.empty();
    if (spec.sizeByNodes != null) {
      List<NodeCountSizing.Tier> tiers = new ArrayList<>();
      List<dev.ballast.crd.v1alpha1.NodeSizing.Tier> given =
          spec.sizeByNodes.tiers == null ? List.of() : spec.sizeByNodes.tiers;
      if (given.isEmpty()) {
        problems.add(
            "spec.sizeByNodes.tiers: required; list tiers such as [{atLeast: 5, replicas: 5}]");
      }
      for (int i = 0; i < given.size(); i++) {
        var t = given.get(i);
        if (t == null
            || t.atLeast == null
            || t.replicas == null
            || t.atLeast < 1
            || t.replicas < 1) {
          problems.add(
              "spec.sizeByNodes.tiers["
                  + i
                  + "]: needs atLeast >= 1 and replicas >= 1, e.g. {atLeast: 5, replicas: 5}");
        } else {
          tiers.add(new NodeCountSizing.Tier(t.atLeast, t.replicas));
        }
      }
      if (spec.sizeByNodes.otherwise == null || spec.sizeByNodes.otherwise < 1) {
        problems.add("spec.sizeByNodes.otherwise: required, >= 1; the size when no tier applies");
      } else if (!tiers.isEmpty() && tiers.size() == given.size()) {
        sizing = Optional.of(new NodeCountSizing(tiers, spec.sizeByNodes.otherwise));
      }
    }
    if (sizing.isEmpty() && !onePerNode) {
      return Optional.empty();
    }
    return Optional.of(NodeRules.of(OptionalInt.empty(), sizing, onePerNode));
  }

  /**
   * The spec's {@code metrics} and {@code behavior} as an {@code autoscaling/v2} document: each
   * Prometheus metric rewritten as the External metric the operator reads it as.
   */
  private static JsonNode autoscalingV2(StatefulAutoscalerSpec spec, List<String> problems) {
    ObjectNode doc = JSON.createObjectNode();
    if (spec.metrics != null) {
      ArrayNode metrics = doc.putArray("metrics");
      for (int i = 0; i < spec.metrics.size(); i++) {
        StatefulAutoscalerSpec.Metric m = spec.metrics.get(i);
        if (m == null) {
          problems.add(
              "spec.metrics["
                  + i
                  + "]: must be a metric, was null; remove it or give its type and source");
          continue;
        }
        if (m.type == StatefulAutoscalerSpec.MetricType.Prometheus
            && m.prometheus != null
            && m.prometheus.query == null) {
          problems.add(
              "spec.metrics["
                  + i
                  + "].prometheus.query: required; give a PromQL instant query, e.g."
                  + " sum(rate(requests_total[1m]))");
          continue;
        }
        if (m.type == StatefulAutoscalerSpec.MetricType.Prometheus && m.prometheus != null) {
          ObjectNode external = JSON.createObjectNode();
          external.put("type", "External");
          ObjectNode source = external.putObject("external");
          source.putObject("metric").put("name", PROMETHEUS_PREFIX + m.prometheus.query);
          source.set("target", JSON.valueToTree(m.prometheus.target));
          metrics.add(external);
        } else {
          metrics.add(JSON.valueToTree(m));
        }
      }
    }
    if (spec.behavior != null) {
      doc.set("behavior", JSON.valueToTree(spec.behavior));
    }
    return doc;
  }

  private static Optional<Duration> duration(String text, String path, List<String> problems) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      Duration d = Times.parseGoDuration(text, path);
      if (d.isZero() || d.isNegative()) {
        problems.add(path + ": must be positive, e.g. 30s");
        return Optional.empty();
      }
      return Optional.of(d);
    } catch (InvalidDocumentException e) {
      problems.add(e.getMessage());
      return Optional.empty();
    }
  }
}
