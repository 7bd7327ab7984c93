package dev.ballast.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * The workload a StatefulAutoscaler scales: its replica count through the {@code /scale}
 * subresource (or {@code replicasPath} for a custom resource without one), its pod selector, the
 * cpu its pods request, and the names of its pods ({@code <name>-<ordinal>}, the StatefulSet
 * convention) and of their volume claims. It is read through {@link KubernetesReads}, the informer
 * caches in the operator: a StatefulSet's {@code spec.replicas} is its {@code /scale}
 * spec.replicas; any other kind's replicas are read in its cached copy at the path its {@code
 * /scale} declares ({@link KubernetesReads.WorkloadCache#scaleReplicasPath}) or at {@code
 * replicasPath}, and with a GET when no cache serves the kind. A write never trusts such a read:
 * {@link #setReplicasIf} reads the replicas from the server and writes under that read's {@code
 * resourceVersion}, so a stale cache can neither make it act twice nor overwrite another writer.
 */
public final class TargetWorkload {
  private final KubernetesClient client;
  private final String namespace;
  private final CrossVersionObjectReference ref;
  private final Optional<String> replicasPath;
  private final KubernetesReads reads;
  // The cached StatefulSet as a generic resource, converted once per resourceVersion.
  private String genericVersion;
  private GenericKubernetesResource generic;

  /** A workload read and written through the API server only. */
  public TargetWorkload(
      KubernetesClient client,
      String namespace,
      CrossVersionObjectReference ref,
      Optional<String> replicasPath) {
    this(client, KubernetesReads.apiServer(client), namespace, ref, replicasPath);
  }

  /** A workload whose StatefulSet (and pods) are read through {@code reads}. */
  public TargetWorkload(
      KubernetesClient client,
      KubernetesReads reads,
      String namespace,
      CrossVersionObjectReference ref,
      Optional<String> replicasPath) {
    this.client = Objects.requireNonNull(client, "client");
    this.reads = Objects.requireNonNull(reads, "reads");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.ref = Objects.requireNonNull(ref, "ref");
    this.replicasPath = Objects.requireNonNull(replicasPath, "replicasPath");
  }

  public String namespace() {
    return namespace;
  }

  public String name() {
    return ref.getName();
  }

  /** {@code kind/name}, as the HPA's reference column shows it. */
  public String reference() {
    return ref.getKind() + "/" + ref.getName();
  }

  private Resource<GenericKubernetesResource> resource() {
    return client
        .genericKubernetesResources(ref.getApiVersion(), ref.getKind())
        .inNamespace(namespace)
        .withName(ref.getName());
  }

  /** Where the workload's StatefulSet and pods are read. */
  KubernetesReads reads() {
    return reads;
  }

  /** Whether the workload is a StatefulSet read through {@link #reads} (no replicasPath). */
  private boolean statefulSet() {
    return InformerReads.statefulSet(ref) && replicasPath.isEmpty();
  }

  /** The cache of the workload's kind (not a StatefulSet); empty when it is read with a GET. */
  private Optional<KubernetesReads.WorkloadCache> cache() {
    return InformerReads.statefulSet(ref) ? Optional.empty() : reads.workloads(namespace, ref);
  }

  /**
   * The workload as {@link #reads} has it (a StatefulSet, or a kind a cache serves) or as the
   * server has it; empty when it does not exist.
   */
  public Optional<GenericKubernetesResource> read() {
    if (statefulSet()) {
      return reads.statefulSet(namespace, ref.getName()).map(this::generic);
    }
    Optional<KubernetesReads.WorkloadCache> cache = cache();
    if (cache.isPresent()) {
      return cache.get().byName().apply(ref.getName());
    }
    return Optional.ofNullable(resource().get());
  }

  private synchronized GenericKubernetesResource generic(StatefulSet sts) {
    String version = sts.getMetadata().getResourceVersion();
    if (generic == null || version == null || !version.equals(genericVersion)) {
      generic =
          io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()
              .convertValue(sts, GenericKubernetesResource.class);
      genericVersion = version;
    }
    return generic;
  }

  /**
   * The replicas the workload is asked to run (its /scale spec.replicas), as {@link #reads} has
   * them (a GET when no cache serves the kind): for a decision, never to guard a write (see {@link
   * #setReplicasIf}).
   */
  public int replicas() {
    if (statefulSet()) {
      StatefulSet sts = reads.statefulSet(namespace, ref.getName()).orElseThrow(this::missing);
      Integer replicas = sts.getSpec() == null ? null : sts.getSpec().getReplicas();
      // A StatefulSet without spec.replicas runs one (the API server's default).
      return replicas == null ? 1 : replicas;
    }
    Optional<KubernetesReads.WorkloadCache> cache = cache();
    Optional<String> path = replicasPath.or(() -> cache.flatMap(c -> c.scaleReplicasPath()));
    if (cache.isPresent() && path.isPresent()) {
      GenericKubernetesResource r =
          cache.get().byName().apply(ref.getName()).orElseThrow(this::missing);
      // As /scale reads it: a missing value is 0.
      return replicasAt(r, path.get());
    }
    return freshReplicas();
  }

  private static int replicasAt(GenericKubernetesResource r, String path) {
    return at(r.getAdditionalProperties(), path) instanceof Number n ? n.intValue() : 0;
  }

  /** The replicas as the API server has them now (its /scale spec.replicas): one GET. */
  public int freshReplicas() {
    if (replicasPath.isPresent()) {
      GenericKubernetesResource r =
          Optional.ofNullable(resource().get()).orElseThrow(this::missing);
      return replicasAt(r, replicasPath.get());
    }
    Scale scale = resource().scale();
    if (scale == null) {
      throw missing();
    }
    Integer replicas = scale.getSpec() == null ? null : scale.getSpec().getReplicas();
    return replicas == null ? 0 : replicas;
  }

  /**
   * Sets the replicas: through {@code /scale} (the subresource that RBAC grants as {@code
   * <kind>/scale}), or a merge patch of {@code replicasPath}.
   */
  public void setReplicas(int replicas) {
    setReplicasIf(current -> true, replicas);
  }

  /**
   * Sets the replicas to {@code replicas} when {@code when} accepts the replicas the server has
   * now, and returns those: a fresh read of {@code /scale} (or of the resource for {@code
   * replicasPath}), never a cache, written back under that read's {@code resourceVersion}, so that
   * a change made in between fails with a conflict (409) instead of being overwritten.
   */
  public int setReplicasIf(IntPredicate when, int replicas) {
    if (replicasPath.isPresent()) {
      GenericKubernetesResource r = resource().get();
      if (r == null) {
        throw missing();
      }
      int current = replicasAt(r, replicasPath.get());
      if (when.test(current)) {
        Map<String, Object> patch = new TreeMap<>();
        put(patch, replicasPath.get(), replicas);
        put(patch, ".metadata.resourceVersion", r.getMetadata().getResourceVersion());
        resource().patch(io.fabric8.kubernetes.client.utils.Serialization.asJson(patch));
      }
      return current;
    }
    Scale scale = resource().scale();
    if (scale == null) {
      throw missing();
    }
    Integer seen = scale.getSpec() == null ? null : scale.getSpec().getReplicas();
    int current = seen == null ? 0 : seen;
    if (when.test(current)) {
      // The Scale read carries its resourceVersion: the write is refused if anything changed.
      scale.getSpec().setReplicas(replicas);
      resource().scale(scale);
    }
    return current;
  }

  /** The pod selector in {@code a=b,c=d} form, from {@code spec.selector.matchLabels}. */
  public Optional<String> selector() {
    return read()
        .map(r -> at(r.getAdditionalProperties(), ".spec.selector.matchLabels"))
        .filter(Map.class::isInstance)
        .map(
            m -> {
              List<String> parts = new ArrayList<>();
              new TreeMap<>((Map<?, ?>) m).forEach((k, v) -> parts.add(k + "=" + v));
              return String.join(",", parts);
            });
  }

  /** The StatefulSet's governing service ({@code spec.serviceName}), empty when none. */
  public Optional<String> serviceName() {
    return read()
        .map(r -> at(r.getAdditionalProperties(), ".spec.serviceName"))
        .map(String::valueOf);
  }

  /** The pod template as a map ({@code spec.template}). */
  @SuppressWarnings("unchecked")
  public Map<String, Object> podTemplate() {
    Object t = read().map(r -> at(r.getAdditionalProperties(), ".spec.template")).orElse(null);
    return t instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /**
   * The names of the volume claim templates ({@code spec.volumeClaimTemplates[].metadata.name}).
   */
  public List<String> volumeClaimTemplates() {
    Object v =
        read().map(r -> at(r.getAdditionalProperties(), ".spec.volumeClaimTemplates")).orElse(null);
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> list) {
      for (Object item : list) {
        Object name = item instanceof Map<?, ?> m ? at(m, ".metadata.name") : null;
        if (name != null) {
          out.add(String.valueOf(name));
        }
      }
    }
    return out;
  }

  /** The pod of {@code ordinal}: {@code <name>-<ordinal>}. */
  public String podName(int ordinal) {
    return ref.getName() + "-" + ordinal;
  }

  /** The claim of template {@code template} for {@code ordinal}, as a StatefulSet names it. */
  public String claimName(String template, int ordinal) {
    return template + "-" + podName(ordinal);
  }

  private IllegalStateException missing() {
    return new IllegalStateException(
        "target " + reference() + " not found in namespace " + namespace);
  }

  /** The value at a dotted path such as {@code .spec.replicas}; null when absent. */
  static Object at(Map<?, ?> root, String path) {
    Object node = root;
    for (String key : path.substring(1).split("\\.")) {
      if (!(node instanceof Map<?, ?> m)) {
        return null;
      }
      node = m.get(key);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> root, String path, Object value) {
    String[] keys = path.substring(1).split("\\.");
    Map<String, Object> node = root;
    for (int i = 0; i < keys.length - 1; i++) {
      node = (Map<String, Object>) node.computeIfAbsent(keys[i], k -> new TreeMap<>());
    }
    node.put(keys[keys.length - 1], value);
  }
}
