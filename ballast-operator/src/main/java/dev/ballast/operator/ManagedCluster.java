package dev.ballast.operator;

import dev.ballast.autoscaler.AutoscaleLoop;
import dev.ballast.autoscaler.AutoscaleSpec;
import dev.ballast.autoscaler.ScaleAheadFeed;
import dev.ballast.autoscaler.SyncEvaluator;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.execute.ScalingController;
import dev.ballast.core.history.AddStepDurations;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.MetricSource;
import dev.ballast.crd.AutoscalerSettings;
import dev.ballast.crd.InvalidSpecException;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec;
import dev.ballast.members.etcd.EtcdMembership;
import dev.ballast.members.etcd.EtcdServerConfig;
import dev.ballast.members.zookeeper.ZooKeeperMembership;
import dev.ballast.metrics.PrometheusScrapeSource;
import dev.ballast.metrics.RoutingMetricSource;
import dev.ballast.metrics.ZooKeeperMntrSource;
import dev.ballast.operator.metrics.MetricsApiSource;
import dev.ballast.operator.metrics.PodMetricsSource;
import dev.ballast.operator.metrics.PrometheusQuerySource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the operator keeps for one StatefulAutoscaler between reconciles, wired in one place
 * from its spec: the target, the {@link KubernetesReplicaRuntime}, the membership adapter, the
 * metric sources, the status-backed journal and history, and the shared {@link AutoscaleLoop}
 * (whose HPA memory lives here). Rebuilt when the spec's generation changes; an in-flight operation
 * resumes from the journal in the status, as after an operator restart.
 */
final class ManagedCluster implements AutoCloseable {
  /** Bound of one read of one member or metrics endpoint. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Bound of one etcd member API call (jetcd's gRPC calls, a membership change committed through
   * raft); a change etcd refuses for now (unhealthy cluster, learner not caught up) is retried for
   * 6 times that within one stage, as in a local cluster.
   */
  static final Duration ETCD_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  final long generation;
  final AutoscalerSettings settings;
  final TargetWorkload target;
  final KubernetesReplicaRuntime runtime;
  final Membership membership;
  final StatusWriter writer;
  final StatusHistoryStore history;
  final ScalingController controller;
  final AutoscaleLoop loop;
  Instant nextSync = Instant.MIN;
  Integer lastFixedRequest;

  /** Whether the last request for spec.replicas was accepted (became an operation). */
  boolean fixedAccepted;

  /** Failed attempts at the current spec.replicas (0 once it is reached). */
  int fixedFailures;

  /** When the failed spec.replicas is asked again; null when no retry waits. */
  Instant fixedRetryAt;

  /** Why spec.replicas was not reached (the Degraded condition's message); null when it was. */
  String fixedFailure;

  boolean resumed;
  private List<AutoscaleLoop.SyncResult> lastSyncSink = new ArrayList<>();

  /** The loop's evaluator, whose HPA memory the status keeps for the next leader. */
  SyncEvaluator evaluator;

  /** The forecaster's observations, which the status keeps for the next leader. */
  StatusForecastStore forecast;

  /** spec.verticalAdvice's histograms (empty when not asked for), kept in the status. */
  Optional<VerticalAdviceTracker> vertical = Optional.empty();

  /** Where the vertical advice reads the members' usage. */
  PodMetricsSource podMetrics;

  private ManagedCluster(
      long generation,
      AutoscalerSettings settings,
      TargetWorkload target,
      KubernetesReplicaRuntime runtime,
      Membership membership,
      StatusWriter writer,
      StatusHistoryStore history,
      ScalingController controller,
      AutoscaleLoop loop) {
    this.generation = generation;
    this.settings = settings;
    this.target = target;
    this.runtime = runtime;
    this.membership = membership;
    this.writer = writer;
    this.history = history;
    this.controller = controller;
    this.loop = loop;
  }

  /**
   * Wires {@code sas}.
   *
   * @throws InvalidSpecException when the spec cannot be mapped (every problem, by field)
   */
  static ManagedCluster wire(
      KubernetesClient client,
      KubernetesReads reads,
      StatefulAutoscaler sas,
      KubernetesEvents events,
      Clock clock,
      OperatorMetrics metrics) {
    StatefulAutoscalerSpec spec = sas.getSpec();
    String ns = sas.getMetadata().getNamespace();
    if (spec == null || spec.targetRef == null) {
      throw new InvalidSpecException(List.of("spec.targetRef: required; name the workload"));
    }
    TargetWorkload target =
        new TargetWorkload(
            client, reads, ns, spec.targetRef, Optional.ofNullable(spec.replicasPath));
    PodTemplateSpec template =
        Serialization.jsonMapper().convertValue(target.podTemplate(), PodTemplateSpec.class);
    long cpuRequest = cpuRequestMilli(template);
    AutoscalerSettings settings =
        AutoscalerSettings.from(
            spec,
            cpuRequest > 0 ? cpuRequest : AutoscaleSpec.ONE_CORE_MILLI,
            containerCpuRequestsMilli(template));
    // Only metrics the user names need a cpu request: without spec.metrics the size is fixed, or
    // follows the node count (the HPA's default cpu metric is then read, but not needed).
    if (cpuRequest == 0 && spec.metrics != null && usesCpuUtilization(settings)) {
      throw new InvalidSpecException(
          List.of(
              "spec.metrics: a cpu Utilization target needs the target's pods to request cpu;"
                  + " set resources.requests.cpu in "
                  + target.reference()
                  + "'s pod template or use averageValue"));
    }
    MemberAddressing addressing;
    try {
      addressing =
          MemberAddressing.fromSettings(
              settings.membershipSettings(), defaultPorts(settings.membership()));
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(List.of(e.getMessage()));
    }
    var owner =
        new OwnerReferenceBuilder()
            .withApiVersion(sas.getApiVersion())
            .withKind(sas.getKind())
            .withName(sas.getMetadata().getName())
            .withUid(sas.getMetadata().getUid())
            .build();
    KubernetesReplicaRuntime runtime =
        new KubernetesReplicaRuntime(client, target, addressing, Optional.of(owner));
    RunbookWiring runbook =
        RunbookWiring.wire(
            client, sas, settings.runbook(), target, runtime, owner, template, clock);
    Membership membership =
        switch (settings.membership()) {
          case ZooKeeper -> new ZooKeeperMembership(READ_TIMEOUT);
          case Etcd -> new EtcdMembership(ETCD_REQUEST_TIMEOUT);
          case Hooks -> runbook.membership();
          case None -> PodReadinessMembership.of(runtime);
        };
    StatusWriter writer = new StatusWriter(client, sas);
    StatusHistoryStore history =
        new StatusHistoryStore(writer, r -> metrics.operation(r.kind().name(), r.outcome().name()));
    ScalingController controller =
        new ScalingController(
            settings.policy(),
            runbook.runtime(),
            membership,
            new SystemClaim(client, clock, events).guard(sas, new StatusOperationStore(writer)),
            history,
            clock,
            event -> {
              events.emit(writer.resource(), event);
              metrics.operation(event.reason().code(), event.reason().warning() ? "warning" : "ok");
            });
    MetricSource sources = metricSources(client, sas, target, settings, clock);
    // The forecaster's observations live in the status, so a new leader keeps the season.
    StatusForecastStore forecast =
        new StatusForecastStore(
            settings.prediction().sampleInterval(),
            sas.getStatus() == null ? null : sas.getStatus().forecast);
    SyncEvaluator evaluator =
        new SyncEvaluator(
            settings.autoscale(),
            settings.policy(),
            runbook.runtime(),
            membership,
            sources,
            history,
            ScaleAheadFeed.of(
                settings.autoscale(),
                settings.prediction(),
                forecast,
                clock.instant(),
                AddStepDurations.of(history.list())));
    List<AutoscaleLoop.SyncResult> last = new ArrayList<>(1);
    AutoscaleLoop.Admission admission =
        settings.preflight()
            ? (from, to) -> capacity(client, target)
            : AutoscaleLoop.Admission.ALWAYS;
    AutoscaleLoop loop =
        new AutoscaleLoop(
            evaluator,
            controller,
            history,
            clock,
            r -> {
              last.clear();
              last.add(r);
            },
            admission);
    ManagedCluster c =
        new ManagedCluster(
            sas.getMetadata().getGeneration() == null ? 0 : sas.getMetadata().getGeneration(),
            settings,
            target,
            runtime,
            membership,
            writer,
            history,
            controller,
            loop);
    c.lastSyncSink = last;
    c.evaluator = evaluator;
    c.forecast = forecast;
    c.podMetrics = new PodMetricsSource(client, ns, target::podName, clock);
    c.vertical =
        settings
            .vertical()
            .map(
                v ->
                    new VerticalAdviceTracker(
                        v, sas.getStatus() == null ? null : sas.getStatus().verticalAdvice));
    if (sas.getStatus() != null && sas.getStatus().hpaMemory != null) {
      // A previous leader's (or wiring's) memory: the windows and rate policies go on.
      evaluator.restoreHpaMemory(StatusMapper.hpaMemory(sas.getStatus().hpaMemory));
    }
    return c;
  }

  /** The ports a membership adapter needs when the settings leave them out (its defaults). */
  static Map<String, Integer> defaultPorts(StatefulAutoscalerSpec.MembershipType type) {
    return switch (type) {
      case ZooKeeper -> Map.of("client", 2181, "quorum", 2888, "election", 3888);
      case Etcd -> Map.of(EtcdServerConfig.CLIENT_PORT, 2379, EtcdServerConfig.PEER_PORT, 2380);
      case Hooks, None -> Map.of();
    };
  }

  /** The result of the last sync of the loop, if any. */
  Optional<AutoscaleLoop.SyncResult> lastSyncResult() {
    return lastSyncSink.isEmpty() ? Optional.empty() : Optional.of(lastSyncSink.get(0));
  }

  /**
   * Whether the scheduler can place one more pod of the target; empty when it can. It guards an add
   * and runs only right before one (never in a steady reconcile), so it reads the Nodes and every
   * pod of the cluster from the server, at one moment: a cache would compare a Node list and a pod
   * list seen at two different moments, and caching every pod of every namespace would cost the
   * operator's heap more than the two lists it saves per added member.
   */
  static Optional<String> capacity(KubernetesClient client, TargetWorkload target) {
    PodTemplateSpec template =
        Serialization.jsonMapper().convertValue(target.podTemplate(), PodTemplateSpec.class);
    if (template == null || template.getSpec() == null) {
      return Optional.empty();
    }
    List<Node> nodes = client.nodes().list().getItems();
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    return CapacityPreflight.check(template, nodes, pods)
        .map(why -> "preflight for " + target.reference() + ": " + why);
  }

  private static MetricSource metricSources(
      KubernetesClient client,
      StatefulAutoscaler sas,
      TargetWorkload target,
      AutoscalerSettings settings,
      Clock clock) {
    String ns = sas.getMetadata().getNamespace();
    String selector = target.selector().orElse("");
    RoutingMetricSource.Builder routes = RoutingMetricSource.builder();
    PodMetricsSource podMetrics = new PodMetricsSource(client, ns, target::podName, clock);
    MetricsApiSource custom =
        new MetricsApiSource(
            client, MetricsApiSource.Api.CUSTOM, ns, selector, target::podName, clock);
    MetricsApiSource external =
        new MetricsApiSource(
            client, MetricsApiSource.Api.EXTERNAL, ns, selector, target::podName, clock);
    boolean scrape = settings.membershipSettings().containsKey("metricsPort");
    for (MetricSpec m : settings.autoscale().autoscaler().metrics()) {
      String name = SyncEvaluator.sourceName(m);
      if (m instanceof MetricSpec.Resource || m instanceof MetricSpec.ContainerResource) {
        // Routed by the resource: a ContainerResource's source name carries its container label.
        routes.exact(m.name(), podMetrics);
      } else if (m instanceof MetricSpec.Pods) {
        boolean mntr = name.startsWith("zk_") || name.startsWith("rate(zk_");
        routes.exact(
            name,
            mntr
                ? ZooKeeperMntrSource.overTcp("client", READ_TIMEOUT, clock)
                : scrape
                    ? PrometheusScrapeSource.overHttp("metrics", "/metrics", READ_TIMEOUT, clock)
                    : custom);
      } else if (m instanceof MetricSpec.External
          && name.startsWith(AutoscalerSettings.PROMETHEUS_PREFIX)) {
        routes.exact(name, prometheus(client, ns, sas.getSpec(), name, clock));
      } else if (m instanceof MetricSpec.External) {
        routes.exact(name, external);
      }
    }
    return routes
        .otherwise(
            (metric, members) -> {
              throw new dev.ballast.core.port.MetricUnavailableException(
                  metric + ": Object metrics are not read by this operator version");
            })
        .build();
  }

  private static MetricSource prometheus(
      KubernetesClient client, String ns, StatefulAutoscalerSpec spec, String name, Clock clock) {
    String query = name.substring(AutoscalerSettings.PROMETHEUS_PREFIX.length());
    var source =
        spec.metrics.stream()
            .filter(m -> m.prometheus != null && query.equals(m.prometheus.query))
            .findFirst()
            .orElseThrow()
            .prometheus;
    return (metric, members) -> {
      // Secrets and the CA are read at each sync, so a rotated token is picked up.
      Optional<String> token = Optional.empty();
      if (source.server.bearerTokenSecret != null) {
        var secret =
            client
                .secrets()
                .inNamespace(ns)
                .withName(source.server.bearerTokenSecret.getName())
                .get();
        String data =
            secret == null || secret.getData() == null
                ? null
                : secret.getData().get(source.server.bearerTokenSecret.getKey());
        if (data == null) {
          throw new dev.ballast.core.port.MetricUnavailableException(
              "Secret "
                  + source.server.bearerTokenSecret.getName()
                  + " has no key "
                  + source.server.bearerTokenSecret.getKey());
        }
        token =
            Optional.of(
                new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8).trim());
      }
      Optional<String> ca = Optional.empty();
      if (source.server.caConfigMap != null) {
        var cm =
            client.configMaps().inNamespace(ns).withName(source.server.caConfigMap.getName()).get();
        ca =
            Optional.ofNullable(
                cm == null || cm.getData() == null
                    ? null
                    : cm.getData().get(source.server.caConfigMap.getKey()));
      }
      return new PrometheusQuerySource(
              URI.create(source.server.url),
              AutoscalerSettings.PROMETHEUS_PREFIX,
              token,
              ca,
              READ_TIMEOUT,
              clock)
          .read(metric, members);
    };
  }

  private static boolean usesCpuUtilization(AutoscalerSettings settings) {
    return settings.autoscale().autoscaler().metrics().stream()
        .anyMatch(
            m ->
                m instanceof MetricSpec.Resource r
                    && r.resource().equals("cpu")
                    && r.target().type() == MetricTarget.Type.UTILIZATION);
  }

  /** The cpu each container of {@code template} that requests cpu requests, in milli-cores. */
  static Map<String, Long> containerCpuRequestsMilli(PodTemplateSpec template) {
    Map<String, Long> out = new java.util.TreeMap<>();
    if (template == null || template.getSpec() == null) {
      return out;
    }
    for (Container c : template.getSpec().getContainers()) {
      if (c.getResources() != null && c.getResources().getRequests() != null) {
        Quantity q = c.getResources().getRequests().get("cpu");
        if (q != null) {
          out.put(c.getName(), CapacityPreflight.toMilli(q));
        }
      }
    }
    return out;
  }

  /** The requests of each container of the target's pod template, by container name. */
  Map<String, Map<String, Quantity>> containerRequests() {
    PodTemplateSpec template =
        Serialization.jsonMapper().convertValue(target.podTemplate(), PodTemplateSpec.class);
    Map<String, Map<String, Quantity>> out = new java.util.TreeMap<>();
    if (template != null && template.getSpec() != null) {
      for (Container c : template.getSpec().getContainers()) {
        if (c.getResources() != null && c.getResources().getRequests() != null) {
          out.put(c.getName(), c.getResources().getRequests());
        }
      }
    }
    return out;
  }

  /** The cpu one pod of {@code template} requests, in milli-cores (0 when none). */
  static long cpuRequestMilli(PodTemplateSpec template) {
    return containerCpuRequestsMilli(template).values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public void close() {
    if (membership instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Closing the membership's sessions is best effort.
      }
    }
  }
}
