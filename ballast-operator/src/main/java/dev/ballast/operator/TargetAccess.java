package dev.ballast.operator;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the operator may read of a target kind (not a StatefulSet) in a namespace, asked before a
 * cache of it is started: whether it may {@code list} and {@code watch} the kind there (an informer
 * needs both), and where the kind's {@code /scale} keeps the replicas ({@code .spec.replicas} for
 * the built-in kinds such as a Deployment; for a custom resource its CRD's {@code
 * specReplicasPath}, read once with {@code get} on that CRD). The permissions are asked with
 * SelfSubjectAccessReviews (every authenticated user may create them), the kind's plural name
 * through discovery; nothing is started on a guess.
 *
 * @param plural the kind's resource name ({@code deployments}, {@code widgets})
 * @param watchable whether the operator may list and watch the kind in the namespace
 * @param scaleKnown whether {@code scalePath} was asked and learnt (found, or known absent)
 * @param scalePath where {@code /scale} keeps the replicas; empty when not asked, not readable, or
 *     the kind declares no {@code /scale}
 * @param missing what to grant to read the kind from a cache, one line each (empty: nothing)
 */
record TargetAccess(
    String group,
    String version,
    String plural,
    boolean watchable,
    boolean scaleKnown,
    Optional<String> scalePath,
    List<String> missing) {

  TargetAccess {
    missing = List.copyOf(missing);
  }

  /** {@code plural.group}, as RBAC rules and CRDs name the kind. */
  String resource() {
    return plural + (group.isEmpty() ? "" : "." + group);
  }

  /** What the GETs are and which permission would remove them; empty when none is missing. */
  Optional<String> why() {
    return missing.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "reading "
                + resource()
                + " with a GET at each reconcile: "
                + String.join("; ", missing));
  }

  /**
   * Asks the API server about {@code ref}'s kind in {@code namespace}; {@code scalePathNeeded}
   * false skips the CRD (the resource names its own {@code replicasPath}).
   *
   * @throws IllegalStateException when the API server serves no such kind
   */
  static TargetAccess check(
      KubernetesClient client,
      String namespace,
      CrossVersionObjectReference ref,
      boolean scalePathNeeded) {
    String apiVersion = ref.getApiVersion() == null ? "" : ref.getApiVersion();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    APIResourceList discovered = client.getApiResources(apiVersion);
    String plural =
        (discovered == null
                ? List.<io.fabric8.kubernetes.api.model.APIResource>of()
                : discovered.getResources())
            .stream()
                .filter(r -> ref.getKind().equals(r.getKind()) && !r.getName().contains("/"))
                .map(r -> r.getName())
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "the API server serves no kind "
                                + ref.getKind()
                                + " in "
                                + apiVersion));
    String resource = plural + (group.isEmpty() ? "" : "." + group);
    List<String> missing = new ArrayList<>();
    boolean watchable =
        allowed(client, namespace, group, plural, "list", null)
            && allowed(client, namespace, group, plural, "watch", null);
    if (!watchable) {
      missing.add(
          "grant list and watch on "
              + resource
              + " in namespace "
              + namespace
              + " to serve them from a cache");
    }
    Optional<String> scalePath = Optional.empty();
    boolean scaleKnown = false;
    if (scalePathNeeded && (group.isEmpty() || group.equals("apps"))) {
      scalePath = Optional.of(".spec.replicas");
      scaleKnown = true;
    } else if (scalePathNeeded) {
      if (allowed(
          client, null, "apiextensions.k8s.io", "customresourcedefinitions", "get", resource)) {
        scaleKnown = true;
        CustomResourceDefinition crd =
            client.apiextensions().v1().customResourceDefinitions().withName(resource).get();
        scalePath =
            crd == null
                ? Optional.empty()
                : crd.getSpec().getVersions().stream()
                    .filter(v -> version.equals(v.getName()))
                    .map(CustomResourceDefinitionVersion::getSubresources)
                    .filter(s -> s != null && s.getScale() != null)
                    .map(s -> s.getScale().getSpecReplicasPath())
                    .findFirst();
      } else {
        missing.add(
            "grant get on customresourcedefinitions "
                + resource
                + " (where its /scale keeps the replicas) to read the replicas from a cache");
      }
    }
    return new TargetAccess(group, version, plural, watchable, scaleKnown, scalePath, missing);
  }

  /** Whether the operator may {@code verb} {@code group/resource} (a SelfSubjectAccessReview). */
  static boolean allowed(
      KubernetesClient client,
      String namespace,
      String group,
      String resource,
      String verb,
      String name) {
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
}
