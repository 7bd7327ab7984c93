package dev.ballast.operator;

import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running operator's reads ({@link KubernetesReads}), all from informer caches that also wake
 * the reconciler:
 *
 * <ul>
 *   <li>StatefulSets and pods: informers registered at start ({@code list}/{@code watch} granted by
 *       deploy/install.yaml).
 *   <li>Any other target kind (a Deployment, a custom resource with a {@code /scale} subresource or
 *       a {@code replicasPath}): one informer per kind and namespace, registered with JOSDK the
 *       first time a StatefulAutoscaler there names the kind ({@link #serve}). Its replicas are
 *       read at the path the kind declares for {@code /scale} (its CRD's {@code specReplicasPath};
 *       {@code .spec.replicas} for the built-in kinds), or at the resource's {@code replicasPath}.
 *       When the operator may not {@code list} and {@code watch} the kind in that namespace (or
 *       {@code get} its CRD), asked with a SelfSubjectAccessReview before anything is started, the
 *       kind is read with a GET at each reconcile, as without a cache, and {@link #serve} says
 *       which permission would remove those GETs (the reconciler emits it once as an Event).
 *   <li>Nodes: one informer, registered the first time a resource needs them ({@code sizeByNodes},
 *       {@code placement: OnePerNode}); it wakes those resources when a Node's schedulability
 *       changes. Without {@code list}/{@code watch} on Nodes they are listed at each read.
 * </ul>
 *
 * Writes never trust these caches: see {@link TargetWorkload#setReplicasIf}.
 */
final class InformerReads implements KubernetesReads {
  private static final Logger LOG = LoggerFactory.getLogger(InformerReads.class);

  private final KubernetesClient client;
  private final InformerEventSource<StatefulSet, StatefulAutoscaler> statefulSets;
  private final InformerEventSource<Pod, StatefulAutoscaler> pods;
  private final Map<String, Served> workloads = new ConcurrentHashMap<>();
  private volatile EventSourceRetriever<StatefulAutoscaler> retriever;
  private volatile InformerEventSource<Node, StatefulAutoscaler> nodes;
  private volatile boolean nodesUncached;

  /** How the workloads of one kind in one namespace are read. */
  private sealed interface Served {}

  /** From {@code source}, replicas at {@code scalePath}. */
  private record Cached(
      InformerEventSource<GenericKubernetesResource, StatefulAutoscaler> source,
      Optional<String> scalePath)
      implements Served {}

  /** With a GET, because of {@code why}. */
  private record Uncached(String why) implements Served {}

  InformerReads(
      KubernetesClient client,
      InformerEventSource<StatefulSet, StatefulAutoscaler> statefulSets,
      InformerEventSource<Pod, StatefulAutoscaler> pods) {
    this.client = Objects.requireNonNull(client, "client");
    this.statefulSets = Objects.requireNonNull(statefulSets, "statefulSets");
    this.pods = Objects.requireNonNull(pods, "pods");
  }

  @Override
  public Optional<StatefulSet> statefulSet(String namespace, String name) {
    return statefulSets.get(new ResourceID(name, namespace));
  }

  @Override
  public Optional<Pod> pod(String namespace, String name) {
    return pods.get(new ResourceID(name, namespace));
  }

  @Override
  public boolean cached() {
    return true;
  }

  @Override
  public Optional<WorkloadCache> workloads(String namespace, CrossVersionObjectReference ref) {
    Served served = workloads.get(key(namespace, ref));
    return served instanceof Cached c
        ? Optional.of(
            new WorkloadCache(
                name -> c.source().get(new ResourceID(name, namespace)), c.scalePath()))
        : Optional.empty();
  }

  /** Whether {@code ref} names a StatefulSet (served by the StatefulSet informer). */
  static boolean statefulSet(CrossVersionObjectReference ref) {
    return "StatefulSet".equals(ref.getKind())
        && ref.getApiVersion() != null
        && ref.getApiVersion().startsWith("apps/");
  }

  /**
   * Makes sure the kind {@code sas} targets is served from a cache in its namespace, registering
   * the informer with JOSDK the first time (through {@code retriever}); returns why it is read with
   * a GET instead (the permission to grant), empty when a cache serves it. A kind left uncached is
   * asked again at the next call (the next wiring of a resource), so a permission granted later is
   * picked up when a resource of that kind is edited or the operator restarts.
   */
  Optional<String> serve(
      EventSourceRetriever<StatefulAutoscaler> retriever, StatefulAutoscaler sas) {
    this.retriever = retriever;
    StatefulAutoscalerSpec spec = sas.getSpec();
    if (spec == null || spec.targetRef == null || statefulSet(spec.targetRef)) {
      return Optional.empty();
    }
    String namespace = sas.getMetadata().getNamespace();
    String key = key(namespace, spec.targetRef);
    Served served =
        workloads.compute(
            key,
            (k, old) ->
                old instanceof Cached ? old : register(retriever, namespace, spec.targetRef));
    return served instanceof Uncached u ? Optional.of(u.why()) : Optional.empty();
  }

  private Served register(
      EventSourceRetriever<StatefulAutoscaler> retriever,
      String namespace,
      CrossVersionObjectReference ref) {
    String apiVersion = ref.getApiVersion() == null ? "" : ref.getApiVersion();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    try {
      APIResourceList discovered = client.getApiResources(apiVersion);
      Optional<APIResource> resource =
          discovered == null
              ? Optional.empty()
              : discovered.getResources().stream()
                  .filter(r -> ref.getKind().equals(r.getKind()) && !r.getName().contains("/"))
                  .findFirst();
      if (resource.isEmpty()) {
        return new Uncached("the API server serves no kind " + ref.getKind() + " in " + apiVersion);
      }
      String plural = resource.get().getName();
      String what = plural + (group.isEmpty() ? "" : "." + group);
      for (String verb : List.of("list", "watch")) {
        if (!allowed(namespace, group, plural, verb, null)) {
          return new Uncached(
              "reading "
                  + what
                  + " with a GET at each reconcile: grant list and watch on "
                  + what
                  + " in namespace "
                  + namespace
                  + " to serve them from a cache");
        }
      }
      Optional<String> scalePath;
      if (group.isEmpty() || group.equals("apps")) {
        scalePath = Optional.of(".spec.replicas");
      } else {
        String crdName = plural + "." + group;
        if (!allowed(null, "apiextensions.k8s.io", "customresourcedefinitions", "get", crdName)) {
          return new Uncached(
              "reading "
                  + what
                  + " with a GET at each reconcile: grant get on customresourcedefinitions "
                  + crdName
                  + " (where its /scale keeps the replicas) to serve them from a cache");
        }
        CustomResourceDefinition crd =
            client.apiextensions().v1().customResourceDefinitions().withName(crdName).get();
        scalePath =
            crd == null
                ? Optional.empty()
                : crd.getSpec().getVersions().stream()
                    .filter(v -> version.equals(v.getName()))
                    .map(CustomResourceDefinitionVersion::getSubresources)
                    .filter(s -> s != null && s.getScale() != null)
                    .map(s -> s.getScale().getSpecReplicasPath())
                    .findFirst();
      }
      EventSourceContext<StatefulAutoscaler> context =
          retriever.eventSourceContextForDynamicRegistration();
      var config =
          InformerEventSourceConfiguration.from(
                  new GroupVersionKind(group, version, ref.getKind()), StatefulAutoscaler.class)
              .withName("target " + apiVersion + "/" + ref.getKind() + " in " + namespace)
              .withNamespaces(Set.of(namespace))
              .withSecondaryToPrimaryMapper(
                  (GenericKubernetesResource r) ->
                      referring(context, ref.getKind(), namespace, r.getMetadata().getName()))
              .build();
      InformerEventSource<GenericKubernetesResource, StatefulAutoscaler> source =
          new InformerEventSource<>(config, context);
      retriever.dynamicallyRegisterEventSource(source);
      LOG.info(
          "action=cache-target kind={} namespace={} scale_path={}",
          what,
          namespace,
          scalePath.orElse("none"));
      return new Cached(source, scalePath);
    } catch (KubernetesClientException | IllegalStateException e) {
      LOG.warn("action=cache-target outcome=failed kind={} reason=\"{}\"", key(namespace, ref), e);
      return new Uncached(
          "reading "
              + ref.getKind()
              + " with a GET at each reconcile: its cache could not start ("
              + e.getMessage()
              + ")");
    }
  }

  /** Whether the operator may {@code verb} {@code group/resource} (a SelfSubjectAccessReview). */
  private boolean allowed(
      String namespace, String group, String resource, String verb, String name) {
    SelfSubjectAccessReview review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withNewResourceAttributes()
            .withNamespace(namespace)
            .withGroup(group)
            .withResource(resource)
            .withVerb(verb)
            .withName(name)
            .endResourceAttributes()
            .endSpec()
            .build();
    SelfSubjectAccessReview answer =
        client.authorization().v1().selfSubjectAccessReview().create(review);
    return answer != null
        && answer.getStatus() != null
        && Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }

  @Override
  public List<Node> nodes() {
    InformerEventSource<Node, StatefulAutoscaler> source = nodes != null ? nodes : nodeSource();
    if (source == null) {
      return client.nodes().list().getItems();
    }
    return source.list((Predicate<Node>) n -> true).toList();
  }

  /** The Node informer, registered on first use; null when Nodes are listed instead. */
  private synchronized InformerEventSource<Node, StatefulAutoscaler> nodeSource() {
    EventSourceRetriever<StatefulAutoscaler> r = retriever;
    if (nodes != null || nodesUncached || r == null) {
      return nodes;
    }
    try {
      if (!allowed(null, "", "nodes", "list", null) || !allowed(null, "", "nodes", "watch", null)) {
        nodesUncached = true;
        LOG.warn(
            "action=cache-nodes outcome=uncached reason=\"listing Nodes at each read: grant list"
                + " and watch on nodes to serve them from a cache\"");
        return null;
      }
      EventSourceContext<StatefulAutoscaler> context = r.eventSourceContextForDynamicRegistration();
      var config =
          InformerEventSourceConfiguration.from(Node.class, StatefulAutoscaler.class)
              .withName("nodes")
              .withWatchAllNamespaces()
              .withSecondaryToPrimaryMapper((Node n) -> needingNodes(context))
              .withOnUpdateFilter(
                  (Node now, Node before) ->
                      SchedulableNodes.schedulable(now, null)
                              != SchedulableNodes.schedulable(before, null)
                          || !Objects.equals(
                              now.getMetadata().getLabels(), before.getMetadata().getLabels())
                          || !Objects.equals(now.getSpec(), before.getSpec()))
              .build();
      InformerEventSource<Node, StatefulAutoscaler> source =
          new InformerEventSource<>(config, context);
      r.dynamicallyRegisterEventSource(source);
      LOG.info("action=cache-nodes");
      nodes = source;
      return source;
    } catch (KubernetesClientException | IllegalStateException e) {
      nodesUncached = true;
      LOG.warn("action=cache-nodes outcome=failed reason=\"{}\"", e.getMessage());
      return null;
    }
  }

  /** The resources whose size or placement depends on the Nodes. */
  private static Set<ResourceID> needingNodes(EventSourceContext<StatefulAutoscaler> context) {
    return context
        .getPrimaryCache()
        .list(
            s ->
                s.getSpec() != null
                    && (s.getSpec().sizeByNodes != null
                        || s.getSpec().placement == StatefulAutoscalerSpec.Placement.OnePerNode))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** The StatefulAutoscalers in {@code namespace} whose target is the {@code kind} {@code name}. */
  static Set<ResourceID> referring(
      EventSourceContext<StatefulAutoscaler> context, String kind, String namespace, String name) {
    return context
        .getPrimaryCache()
        .list(namespace)
        .filter(
            s ->
                s.getSpec() != null
                    && s.getSpec().targetRef != null
                    && kind.equals(s.getSpec().targetRef.getKind())
                    && name.equals(s.getSpec().targetRef.getName()))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static String key(String namespace, CrossVersionObjectReference ref) {
    return ref.getApiVersion() + "/" + ref.getKind() + "@" + namespace;
  }
}
