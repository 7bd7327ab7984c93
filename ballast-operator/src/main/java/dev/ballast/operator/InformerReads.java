package dev.ballast.operator;

import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running operator's reads ({@link KubernetesReads}), all from informer caches that also wake
 * the reconciler:
 *
 * <ul>
 *   <li>StatefulSets and pods: informers registered at start ({@code list}/{@code watch} granted by
 *       deploy/install.yaml); a pod wakes the resources whose target owns it ({@link
 *       #owningTargets}).
 *   <li>Any other target kind (a Deployment, a custom resource with a {@code /scale} subresource or
 *       a {@code replicasPath}): one informer per kind and namespace, registered with JOSDK the
 *       first time a StatefulAutoscaler there names the kind ({@link #serve}), stopped once none
 *       names it any more. Its replicas are read at the path the kind declares for {@code /scale}
 *       (its CRD's {@code specReplicasPath}; {@code .spec.replicas} for the built-in kinds), or at
 *       the resource's {@code replicasPath}. When the operator may not {@code list} and {@code
 *       watch} the kind in that namespace (or {@code get} its CRD), asked with a
 *       SelfSubjectAccessReview before anything is started, the kind is read with a GET at each
 *       reconcile, as without a cache, and {@link #serve} says which permission would remove those
 *       GETs (the reconciler emits it once as an Event).
 *   <li>Nodes: one informer, registered the first time a resource needs them ({@code sizeByNodes},
 *       {@code placement: OnePerNode}); it wakes those resources when a Node's schedulability
 *       changes. Without {@code list}/{@code watch} on Nodes they are listed at each read, and
 *       {@link #serveNodes} says which permission would remove those lists (the reconciler emits it
 *       once as an Event).
 * </ul>
 *
 * Writes never trust these caches: see {@link TargetWorkload#setReplicasIf}.
 */
public final class InformerReads implements KubernetesReads {
  private static final Logger LOG = LoggerFactory.getLogger(InformerReads.class);

  private final KubernetesClient client;
  private final Function<ResourceID, Optional<StatefulSet>> statefulSets;
  private final Function<ResourceID, Optional<Pod>> pods;
  // Per kind and namespace: the informer of a kind that may be listed and watched there.
  private final Map<String, InformerEventSource<GenericKubernetesResource, StatefulAutoscaler>>
      informers = new ConcurrentHashMap<>();
  // Per kind: where its /scale keeps the replicas, once read (empty: it declares no /scale).
  private final Map<String, Optional<String>> scalePaths = new ConcurrentHashMap<>();
  // Per kind, namespace and whether the /scale path was needed: why it is read with GETs, until
  // when that answer stands.
  private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();
  private volatile EventSourceRetriever<StatefulAutoscaler> retriever;
  // The StatefulAutoscalers' cache, indexed by BY_TARGET; set when a target informer is registered.
  private volatile IndexedResourceCache<StatefulAutoscaler> primary;

  /**
   * The name of the StatefulAutoscalers' cache index by target informer ({@link #targetKey}), added
   * by the reconciler when it prepares its event sources.
   */
  static final String BY_TARGET = "ballast-target-informer";

  /** How long a missing permission is taken as missing before it is asked again. */
  static final Duration ASK_AGAIN = Duration.ofMinutes(5);

  private record Refusal(String why, Instant until) {}

  private volatile InformerEventSource<Node, StatefulAutoscaler> nodes;
  // Why Nodes are listed at each read instead of cached; null while not known to be so.
  private volatile String nodesUncached;

  /**
   * Reads the StatefulSets and pods through {@code statefulSets} and {@code pods}, lookups by
   * {@link ResourceID} in their caches: the JOSDK informer event sources the reconciler registers
   * ({@link StatefulAutoscalerReconciler#prepareEventSources}), or any informer's store (the
   * benchmark's); the other target kinds and the Nodes through {@code client} as described above.
   */
  public InformerReads(
      KubernetesClient client,
      Function<ResourceID, Optional<StatefulSet>> statefulSets,
      Function<ResourceID, Optional<Pod>> pods) {
    this.client = Objects.requireNonNull(client, "client");
    this.statefulSets = Objects.requireNonNull(statefulSets, "statefulSets");
    this.pods = Objects.requireNonNull(pods, "pods");
  }

  @Override
  public Optional<StatefulSet> statefulSet(String namespace, String name) {
    return statefulSets.apply(new ResourceID(name, namespace));
  }

  @Override
  public Optional<Pod> pod(String namespace, String name) {
    return pods.apply(new ResourceID(name, namespace));
  }

  @Override
  public boolean cached() {
    return true;
  }

  @Override
  public Optional<WorkloadCache> workloads(String namespace, CrossVersionObjectReference ref) {
    var source = informers.get(key(namespace, ref));
    return source == null
        ? Optional.empty()
        : Optional.of(
            new WorkloadCache(
                name -> source.get(new ResourceID(name, namespace)),
                scalePaths.getOrDefault(kind(ref), Optional.empty())));
  }

  /** Whether {@code ref} names a StatefulSet (served by the StatefulSet informer). */
  static boolean statefulSet(CrossVersionObjectReference ref) {
    return "StatefulSet".equals(ref.getKind())
        && ref.getApiVersion() != null
        && ref.getApiVersion().startsWith("apps/");
  }

  /**
   * Makes sure the kind {@code sas} targets is served from a cache in its namespace, registering
   * the informer with JOSDK the first time (through {@code retriever}), and that its {@code /scale}
   * replicas path is known; returns which GETs remain and the permission that would remove them
   * ({@link TargetAccess#why}), empty when none remains. Called at every reconcile: once served, it
   * asks nothing; a missing permission is asked again {@link #ASK_AGAIN} after it was found missing
   * (at {@code now}), so a permission granted later removes the GETs without a restart.
   */
  synchronized Optional<String> serve(
      EventSourceRetriever<StatefulAutoscaler> retriever, StatefulAutoscaler sas, Instant now) {
    this.retriever = retriever;
    stopUnused(retriever);
    StatefulAutoscalerSpec spec = sas.getSpec();
    if (spec == null || spec.targetRef == null || statefulSet(spec.targetRef)) {
      return Optional.empty();
    }
    CrossVersionObjectReference ref = spec.targetRef;
    String namespace = sas.getMetadata().getNamespace();
    String key = key(namespace, ref);
    boolean scalePathNeeded = spec.replicasPath == null && !scalePaths.containsKey(kind(ref));
    if (informers.containsKey(key) && !scalePathNeeded) {
      return Optional.empty();
    }
    String refusalKey = key + (spec.replicasPath == null ? "+scale" : "");
    Refusal refused = refusals.get(refusalKey);
    if (refused != null && now.isBefore(refused.until())) {
      return Optional.of(refused.why());
    }
    Optional<String> why;
    try {
      TargetAccess access = TargetAccess.check(client, namespace, ref, scalePathNeeded);
      if (scalePathNeeded && access.scaleKnown()) {
        scalePaths.put(kind(ref), access.scalePath());
      }
      if (access.watchable() && !informers.containsKey(key)) {
        informers.put(key, register(retriever, namespace, ref, access));
      }
      why = access.why();
    } catch (KubernetesClientException | IllegalStateException e) {
      LOG.warn("action=cache-target outcome=failed kind={} reason=\"{}\"", key, e.getMessage());
      why =
          Optional.of(
              "reading "
                  + ref.getKind()
                  + " with a GET at each reconcile: its cache could not start ("
                  + e.getMessage()
                  + ")");
    }
    if (why.isPresent()) {
      refusals.put(refusalKey, new Refusal(why.get(), now.plus(ASK_AGAIN)));
    } else {
      refusals.remove(refusalKey);
    }
    return why;
  }

  /**
   * Stops and deregisters the informer of each target kind and namespace that no StatefulAutoscaler
   * names any more (the last one deleted or retargeted), as the primary cache's {@link #BY_TARGET}
   * index tells: one lookup per informer, at each reconcile. An informer a cached resource still
   * names is never stopped; one named again later is registered again.
   */
  private void stopUnused(EventSourceRetriever<StatefulAutoscaler> r) {
    IndexedResourceCache<StatefulAutoscaler> cache = primary;
    if (r == null || cache == null || informers.isEmpty()) {
      return;
    }
    for (var e : List.copyOf(informers.entrySet())) {
      if (cache.byIndex(BY_TARGET, e.getKey()).isEmpty()) {
        informers.remove(e.getKey());
        r.dynamicallyDeRegisterEventSource(e.getValue().name());
        LOG.info("action=uncache-target kind={}", e.getKey());
      }
    }
  }

  /**
   * The primary cache's index {@link #BY_TARGET} of a resource: the key of the informer its target
   * is read from (none for a StatefulSet, served by the informer started with the operator).
   */
  static List<String> targetKey(StatefulAutoscaler sas) {
    StatefulAutoscalerSpec spec = sas.getSpec();
    return spec == null || spec.targetRef == null || statefulSet(spec.targetRef)
        ? List.of()
        : List.of(key(sas.getMetadata().getNamespace(), spec.targetRef));
  }

  private InformerEventSource<GenericKubernetesResource, StatefulAutoscaler> register(
      EventSourceRetriever<StatefulAutoscaler> retriever,
      String namespace,
      CrossVersionObjectReference ref,
      TargetAccess access) {
    EventSourceContext<StatefulAutoscaler> context =
        retriever.eventSourceContextForDynamicRegistration();
    primary = context.getPrimaryCache();
    var config =
        InformerEventSourceConfiguration.from(
                new GroupVersionKind(access.group(), access.version(), ref.getKind()),
                StatefulAutoscaler.class)
            .withName("target " + access.resource() + " in " + namespace)
            .withNamespaces(Set.of(namespace))
            .withSecondaryToPrimaryMapper(
                (GenericKubernetesResource r) ->
                    referring(context, ref.getKind(), namespace, r.getMetadata().getName()))
            .build();
    InformerEventSource<GenericKubernetesResource, StatefulAutoscaler> source =
        new InformerEventSource<>(config, context);
    retriever.dynamicallyRegisterEventSource(source);
    LOG.info("action=cache-target kind={} namespace={}", access.resource(), namespace);
    return source;
  }

  @Override
  public List<Node> nodes() {
    EventSourceRetriever<StatefulAutoscaler> r = retriever;
    InformerEventSource<Node, StatefulAutoscaler> source =
        nodes != null ? nodes : r == null ? null : nodeSource(r);
    if (source == null) {
      return client.nodes().list().getItems();
    }
    return source.list((Predicate<Node>) n -> true).toList();
  }

  /**
   * Makes sure the Nodes {@code sas} needs ({@link #needsNodes}) are served from a cache,
   * registering its informer the first time; returns why they are listed at each read instead (the
   * permission that would remove the lists), empty when they are cached or {@code sas} needs none.
   * A missing permission is asked once per process.
   */
  Optional<String> serveNodes(
      EventSourceRetriever<StatefulAutoscaler> retriever, StatefulAutoscaler sas) {
    if (!needsNodes(sas)) {
      return Optional.empty();
    }
    nodeSource(retriever);
    return Optional.ofNullable(nodesUncached);
  }

  /**
   * The Node informer, registered on first use through {@code r}; null when Nodes are listed
   * instead ({@code nodesUncached} says why) or {@code r} is null.
   */
  private synchronized InformerEventSource<Node, StatefulAutoscaler> nodeSource(
      EventSourceRetriever<StatefulAutoscaler> r) {
    if (nodes != null || nodesUncached != null) {
      return nodes;
    }
    try {
      if (!TargetAccess.allowed(client, null, "", "nodes", "list", null)
          || !TargetAccess.allowed(client, null, "", "nodes", "watch", null)) {
        nodesUncached =
            "listing Nodes at each read: grant list and watch on nodes (cluster-wide) to serve"
                + " them from a cache";
        LOG.warn("action=cache-nodes outcome=uncached reason=\"{}\"", nodesUncached);
        return null;
      }
      if (r == null) {
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
      nodesUncached =
          "listing Nodes at each read: their cache could not start (" + e.getMessage() + ")";
      LOG.warn("action=cache-nodes outcome=failed reason=\"{}\"", e.getMessage());
      return null;
    }
  }

  /** The resources whose size or placement depends on the Nodes. */
  private static Set<ResourceID> needingNodes(EventSourceContext<StatefulAutoscaler> context) {
    return context
        .getPrimaryCache()
        .list(InformerReads::needsNodes)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** Whether the size or placement of {@code sas} depends on the Nodes. */
  static boolean needsNodes(StatefulAutoscaler sas) {
    return sas.getSpec() != null
        && (sas.getSpec().sizeByNodes != null
            || sas.getSpec().placement == StatefulAutoscalerSpec.Placement.OnePerNode);
  }

  /** The StatefulAutoscalers in {@code namespace} whose target is the {@code kind} {@code name}. */
  static Set<ResourceID> referring(
      EventSourceContext<StatefulAutoscaler> context, String kind, String namespace, String name) {
    return referring(context.getPrimaryCache().list(namespace), kind, name);
  }

  /**
   * The StatefulAutoscalers (of {@code inNamespace}, those of the pod's namespace) whose target
   * owns {@code pod}: a StatefulSet that owns it, or the Deployment of the ReplicaSet that owns it.
   * The Deployment controller names its ReplicaSets {@code <deployment>-<pod-template-hash>} and
   * labels their pods with that hash, so the Deployment is known from the pod alone, without a
   * request.
   */
  static Set<ResourceID> owningTargets(Stream<StatefulAutoscaler> inNamespace, Pod pod) {
    List<StatefulAutoscaler> candidates = inNamespace.toList();
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    String hash = labels.get("pod-template-hash");
    return pod.getMetadata().getOwnerReferences().stream()
        .flatMap(
            o -> {
              if ("StatefulSet".equals(o.getKind())) {
                return referring(candidates.stream(), "StatefulSet", o.getName()).stream();
              }
              String suffix = "-" + hash;
              if ("ReplicaSet".equals(o.getKind())
                  && hash != null
                  && o.getName().length() > suffix.length()
                  && o.getName().endsWith(suffix)) {
                String deployment =
                    o.getName().substring(0, o.getName().length() - suffix.length());
                return referring(candidates.stream(), "Deployment", deployment).stream();
              }
              return Stream.empty();
            })
        .collect(Collectors.toSet());
  }

  private static Set<ResourceID> referring(
      Stream<StatefulAutoscaler> inNamespace, String kind, String name) {
    return inNamespace
        .filter(
            s ->
                s.getSpec() != null
                    && s.getSpec().targetRef != null
                    && kind.equals(s.getSpec().targetRef.getKind())
                    && name.equals(s.getSpec().targetRef.getName()))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static String kind(CrossVersionObjectReference ref) {
    return ref.getApiVersion() + "/" + ref.getKind();
  }

  private static String key(String namespace, CrossVersionObjectReference ref) {
    return kind(ref) + "@" + namespace;
  }
}
