package dev.ballast.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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

/**
 * The workload a StatefulAutoscaler scales, read and written through the API server (never a cache:
 * the journal must act on what the server has): its replica count through the {@code /scale}
 * subresource (or {@code replicasPath} for a custom resource without one), its pod selector, the
 * cpu its pods request, and the names of its pods ({@code <name>-<ordinal>}, the StatefulSet
 * convention) and of their volume claims.
 */
public final class TargetWorkload {
  private final KubernetesClient client;
  private final String namespace;
  private final CrossVersionObjectReference ref;
  private final Optional<String> replicasPath;

  public TargetWorkload(
      KubernetesClient client,
      String namespace,
      CrossVersionObjectReference ref,
      Optional<String> replicasPath) {
    this.client = Objects.requireNonNull(client, "client");
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

  /** The workload as the server has it; empty when it does not exist. */
  public Optional<GenericKubernetesResource> read() {
    return Optional.ofNullable(resource().get());
  }

  /** The replicas the workload is asked to run (its /scale spec.replicas). */
  public int replicas() {
    if (replicasPath.isPresent()) {
      GenericKubernetesResource r = read().orElseThrow(this::missing);
      Object v = at(r.getAdditionalProperties(), replicasPath.get());
      return v instanceof Number n ? n.intValue() : 0;
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
    if (replicasPath.isPresent()) {
      Map<String, Object> patch = new TreeMap<>();
      put(patch, replicasPath.get(), replicas);
      resource().patch(io.fabric8.kubernetes.client.utils.Serialization.asJson(patch));
      return;
    }
    Scale scale = resource().scale();
    if (scale == null) {
      throw missing();
    }
    scale.getSpec().setReplicas(replicas);
    resource().scale(scale);
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
