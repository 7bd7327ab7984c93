package dev.ballast.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/**
 * The desired state of a StatefulAutoscaler: what it scales, within which sizes, on which metrics
 * ({@code autoscaling/v2} syntax verbatim plus a {@code Prometheus} type), through which membership
 * protocol, and how members may leave. Fields left out take the defaults of the core's policy
 * records, the same as a local cluster file's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
    message = "minReplicas must be less than or equal to maxReplicas",
    fieldPath = ".minReplicas")
@ValidationRule(
    value =
        "!has(self.allowedReplicas) || self.allowedReplicas.all(r, r <= self.maxReplicas"
            + " && r >= (has(self.minReplicas) ? self.minReplicas : 1))",
    message = "every allowedReplicas size must lie within minReplicas..maxReplicas",
    fieldPath = ".allowedReplicas")
@ValidationRule(
    value =
        "!has(self.metrics) || self.metrics.filter(m, m.type == 'Resource' && has(m.resource)"
            + " && m.resource.name == 'cpu').size() <= 1",
    message = "at most one Resource metric may name cpu",
    fieldPath = ".metrics")
@ValidationRule(
    value =
        "has(self.replicas) || (has(self.metrics) && size(self.metrics) > 0)"
            + " || has(self.sizeByNodes)",
    message =
        "set spec.replicas for a fixed size, at least one metric to autoscale on, or"
            + " sizeByNodes",
    fieldPath = ".metrics")
@ValidationRule(
    value = "!has(self.replicas) || self.replicas <= self.maxReplicas",
    message = "replicas must be less than or equal to maxReplicas",
    fieldPath = ".replicas")
@ValidationRule(
    value =
        "!has(self.sizeByNodes) || (self.sizeByNodes.otherwise <= self.maxReplicas"
            + " && self.sizeByNodes.tiers.all(t, t.replicas <= self.maxReplicas))",
    message = "every sizeByNodes size must be at most maxReplicas",
    fieldPath = ".sizeByNodes")
public class StatefulAutoscalerSpec {

  @Required
  @JsonPropertyDescription(
      "The workload to scale: a StatefulSet, a Deployment, or any resource with a /scale"
          + " subresource (apiVersion, kind, name; same namespace).")
  public CrossVersionObjectReference targetRef;

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 48)
  @JsonPropertyDescription(
      "The system this StatefulAutoscaler is one component of (meta and chunk servers, TiKV and"
          + " TiDB): StatefulAutoscalers of one namespace naming the same system change one at a"
          + " time. Each keeps its own target, bounds, metrics and membership; an operation of one"
          + " starts only while no other holds the system, and the others wait (condition"
          + " SystemBusy, Event WaitingForSystem naming it). The claim is the Lease"
          + " ballast-system-<system> in this namespace, held by the StatefulAutoscaler (not the"
          + " operator pod) from before its operation starts until it ends. A DNS label.")
  public String system;

  @Pattern("^(\\.[A-Za-z0-9_-]+)+$")
  @JsonPropertyDescription(
      "For a custom resource without a /scale subresource: the dotted path of its replica count,"
          + " e.g. .spec.size. Leave unset to use /scale.")
  public String replicasPath;

  @SpecReplicas
  @Min(0)
  @JsonPropertyDescription(
      "The size asked for when no metrics are given; also what the StatefulAutoscaler's own"
          + " /scale writes (kubectl scale sas/NAME, an HPA, KEDA).")
  public Integer replicas;

  @Min(1)
  @JsonPropertyDescription("The smallest size (default 1).")
  public Integer minReplicas;

  @Required
  @Min(1)
  @JsonPropertyDescription("The largest size.")
  public Integer maxReplicas;

  @Size(max = 64)
  @JsonPropertyDescription(
      "The only sizes the workload may have, e.g. [3, 5, 7]; a need in between rounds up.")
  public List<Integer> allowedReplicas;

  @Size(max = 16)
  @JsonPropertyDescription(
      "The metrics to scale on, in autoscaling/v2 syntax, plus type Prometheus (server, query,"
          + " target).")
  public List<Metric> metrics;

  @JsonPropertyDescription("Scaling behavior in autoscaling/v2 syntax (stabilization, policies).")
  public HorizontalPodAutoscalerBehavior behavior;

  @JsonPropertyDescription("The application's membership protocol (default None).")
  public Membership membership;

  @JsonPropertyDescription(
      "A peer list (Nacos cluster.conf, Eureka defaultZone) written to a ConfigMap with a version"
          + " on every membership change, then optionally a rolling restart or reload hooks.")
  public PeerList peers;

  @JsonPropertyDescription(
      "Size by the number of schedulable nodes (Ready, not cordoned, matching the pod template's"
          + " nodeSelector): the first tier whose atLeast the count reaches, else otherwise.")
  public NodeSizing sizeByNodes;

  @JsonPropertyDescription(
      "OnePerNode: at most one member per node, checked in PREFLIGHT before a member is added"
          + " (from the Nodes and pods the operator sees); Any (default).")
  public Placement placement;

  /** Where members may run relative to each other. */
  public enum Placement {
    Any,
    OnePerNode
  }

  @JsonPropertyDescription("How members leave: whether at all, their data, the drain timeout.")
  public ScaleDown scaleDown;

  @JsonPropertyDescription("How members join: the verify timeout and the capacity preflight.")
  public ScaleUp scaleUp;

  @JsonPropertyDescription(
      "What to do when no metric can be read: Hold (default) or ScaleToMax. Never a shrink.")
  public OnMetricFailure onMetricFailure;

  @Pattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")
  @JsonPropertyDescription("How often metrics are read and a decision is made (default 15s).")
  public String syncPeriod;

  @JsonPropertyDescription(
      "Scale-ahead: forecast the first metric's load and start members one join time early"
          + " (the same fields as a cluster file's prediction section).")
  public Prediction prediction;

  @JsonPropertyDescription(
      "Vertical advice: per-container CPU and memory requests from the pods' observed usage"
          + " (metrics.k8s.io), as the VPA's recommender computes them, in status.verticalAdvice;"
          + " never applied.")
  public VerticalAdvice verticalAdvice;

  /** What to do when metrics are missing; the wire names of the core's failure policies. */
  public enum OnMetricFailure {
    Hold,
    ScaleToMax
  }

  /** One metric: the {@code autoscaling/v2} MetricSpec plus Ballast's {@code Prometheus} type. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "has(self.resource) == (self.type == 'Resource')"
              + " && has(self.containerResource) == (self.type == 'ContainerResource')"
              + " && has(self.pods) == (self.type == 'Pods')"
              + " && has(self.object) == (self.type == 'Object')"
              + " && has(self.external) == (self.type == 'External')"
              + " && has(self.prometheus) == (self.type == 'Prometheus')",
      message = "set exactly the field that type names (e.g. type: Pods with pods: {...})")
  public static class Metric {
    @Required public MetricType type;
    public io.fabric8.kubernetes.api.model.autoscaling.v2.ResourceMetricSource resource;
    public io.fabric8.kubernetes.api.model.autoscaling.v2.ContainerResourceMetricSource
        containerResource;
    public io.fabric8.kubernetes.api.model.autoscaling.v2.PodsMetricSource pods;
    public io.fabric8.kubernetes.api.model.autoscaling.v2.ObjectMetricSource object;
    public io.fabric8.kubernetes.api.model.autoscaling.v2.ExternalMetricSource external;
    public PrometheusMetricSource prometheus;
  }

  /** The metric types: the five of {@code autoscaling/v2} and a Prometheus query. */
  public enum MetricType {
    Resource,
    ContainerResource,
    Pods,
    Object,
    External,
    Prometheus
  }

  /** A PromQL query whose value is compared with the target, like an External metric. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PrometheusMetricSource {
    @Required public PrometheusServer server;

    @Required
    @JsonPropertyDescription("A PromQL instant query returning one value, e.g. sum(rate(x[1m])).")
    public String query;

    @Required public io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget target;
  }

  /** Where a Prometheus HTTP API answers, and how to authenticate to it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PrometheusServer {
    @Required
    @Pattern("^https?://.+")
    public String url;

    @JsonPropertyDescription("A key of a Secret in this namespace holding a bearer token.")
    public io.fabric8.kubernetes.api.model.SecretKeySelector bearerTokenSecret;

    @JsonPropertyDescription("A key of a ConfigMap in this namespace holding the server's CA.")
    public io.fabric8.kubernetes.api.model.ConfigMapKeySelector caConfigMap;
  }

  /**
   * The membership adapter and its settings. More adapters arrive as new {@code type} values;
   * {@code Hooks} is carried out by the user's hooks (the fields below {@code settings}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "(has(self.type) && self.type == 'Hooks') || !(has(self.hooks) || has(self.members)"
              + " || has(self.health) || has(self.memberId) || has(self.http))",
      message = "memberId, http, members, health and hooks need type: Hooks")
  @ValidationRule(
      value =
          "!has(self.type) || self.type != 'Etcd' || !has(self.settings)"
              + " || self.settings.all(k, k in ['host', 'clientPort', 'peerPort', 'metricsPort'])",
      message =
          "type Etcd takes the settings host, clientPort, peerPort and metricsPort only (plain"
              + " http: TLS is not supported yet)",
      fieldPath = ".settings")
  public static class Membership {
    @JsonPropertyDescription(
        "ZooKeeper (dynamic reconfiguration), Etcd (the etcd v3 member API: learner add, catch-up,"
            + " promote; member remove), Hooks (the user's HTTP and exec hooks) or None (pods"
            + " only).")
    public MembershipType type;

    @JsonPropertyDescription(
        "Whether members vote: Majority (default for ZooKeeper and Hooks; a removal keeps a"
            + " majority healthy) or None (chunk servers and other members that do not vote).")
    public Quorum quorum;

    @Size(max = 256)
    @JsonPropertyDescription(
        "Hooks: how a member is named in the application, e.g. {host}:{port:api} (default"
            + " {host}:{ordinal}).")
    public String memberId;

    @JsonPropertyDescription("Hooks: the bearer token Secret, CA ConfigMap and connect timeout.")
    public Hooks.HttpSettings http;

    @JsonPropertyDescription(
        "Hooks: the membership check, a request whose JSON answer lists the members' ids at"
            + " 'list'; PREFLIGHT and VERIFY compare it with the expected members.")
    public Hooks.MembersCheck members;

    @JsonPropertyDescription("Hooks: asked of each member; READY waits for it, VERIFY needs it.")
    public Hooks.Hook health;

    @JsonPropertyDescription("Hooks: the hooks run at each stage (join, drain, drained, ...).")
    public Hooks.Stages hooks;

    @JsonPropertyDescription(
        "Adapter settings, e.g. for ZooKeeper: clientPort (2181), quorumPort (2888),"
            + " electionPort (3888); for Etcd: clientPort (2379), peerPort (2380), host (the"
            + " member's host template, default {pod}.{service}.{namespace}.svc; plain http, TLS"
            + " is not supported yet).")
    @Size(max = 32)
    public Map<String, String> settings;
  }

  /** Whether the members vote, which decides the quorum guard of removals. */
  public enum Quorum {
    Majority,
    None
  }

  /** The membership protocols the operator speaks. */
  public enum MembershipType {
    ZooKeeper,
    Hooks,
    None,
    Etcd
  }

  /** Whether and how members leave. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ScaleDown {
    @JsonPropertyDescription("Allowed (one member at a time, default) or Disabled (never shrink).")
    public ShrinkPolicy policy;

    @JsonPropertyDescription(
        "What happens to a removed member's PersistentVolumeClaims after it verifiably left:"
            + " Retain (default) or Delete. Either way it never rejoins with that data.")
    public DataPolicy dataPolicy;

    @Pattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")
    @JsonPropertyDescription("How long a member may take to hand its data off (default 10m).")
    public String drainTimeout;
  }

  /** The wire names of the core's shrink policies. */
  public enum ShrinkPolicy {
    Allowed,
    Disabled
  }

  /** The wire names of the core's data policies. */
  public enum DataPolicy {
    Retain,
    Delete
  }

  /** How members join. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ScaleUp {
    @Pattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")
    @JsonPropertyDescription("How long a joined member may take to be verified (default 2m).")
    public String verifyTimeout;

    @JsonPropertyDescription(
        "Check before adding that the scheduler can place one more pod (node allocatable minus"
            + " requests, one member per node when the pods ask for it). Default true.")
    public Boolean preflight;
  }

  /** Scale-ahead settings: the fields of a cluster file's {@code prediction} section. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Prediction {
    public Boolean enabled;

    @Pattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")
    public String season;

    @Pattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")
    public String sampleInterval;

    @Pattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")
    public String defaultJoinTime;

    @Min(0)
    @Max(1)
    public Double joinTimeQuantile;

    @Min(1)
    public Integer joinTimeSamples;

    @Min(0)
    public Integer minJoinSamples;

    @Min(0)
    public Double errorMargin;

    public Map<String, Double> smoothing;

    @JsonPropertyDescription(
        "The forecast gate: the forecast is trusted only while its recent accuracy holds"
            + " (the same fields as a cluster file's prediction.gate).")
    public Gate gate;
  }

  /**
   * The forecast gate of {@link Prediction}: the fields of a cluster file's {@code prediction.gate}
   * (the core's {@code ForecastGateSettings}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "!has(self.minAccuracy) || !has(self.resumeAccuracy)"
              + " || self.resumeAccuracy >= self.minAccuracy",
      message = "resumeAccuracy must be greater than or equal to minAccuracy",
      fieldPath = ".resumeAccuracy")
  public static class Gate {
    @Min(0)
    @Max(1)
    @JsonPropertyDescription(
        "Below this accuracy (0..1) over the last `memory` predicted rises the forecast is no"
            + " longer trusted and the reactive proposal decides alone. Default 0.3; 0 turns the"
            + " gate off.")
    public Double minAccuracy;

    @Min(0)
    @Max(1)
    @JsonPropertyDescription(
        "The accuracy at which a distrusted forecast is trusted again (>= minAccuracy)."
            + " Default minAccuracy + 0.15, at most 1.")
    public Double resumeAccuracy;

    @Min(1)
    @JsonPropertyDescription("How many resolved predicted rises the accuracy averages. Default 30.")
    public Integer memory;
  }
}
