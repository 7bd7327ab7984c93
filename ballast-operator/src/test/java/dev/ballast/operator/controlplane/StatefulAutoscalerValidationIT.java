package dev.ballast.operator.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.KubeControlPlane.KubectlResult;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real API server enforces the generated CRD: OpenAPI schema and CEL rules refuse an invalid
 * StatefulAutoscaler with the field named, before any operator sees it.
 */
class StatefulAutoscalerValidationIT {

  private static final String NS = "validation";

  @RegisterExtension
  static final KubeClusterExtension cluster = KubeClusterExtension.builder().build();

  @BeforeAll
  static void crd() {
    RealControlPlane.installCrd(cluster);
    cluster
        .client()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  record Case(String name, String spec, String field, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> invalid() {
    return Stream.of(
        new Case(
            "minReplicas above maxReplicas (CEL)",
            "replicas: 3\nminReplicas: 5\nmaxReplicas: 4",
            "spec.minReplicas",
            "minReplicas must be less than or equal to maxReplicas"),
        new Case(
            "replicas above maxReplicas (CEL)",
            "replicas: 9\nmaxReplicas: 7",
            "spec.replicas",
            "replicas must be less than or equal to maxReplicas"),
        new Case(
            "an allowed size beyond the bounds (CEL)",
            "replicas: 3\nmaxReplicas: 7\nallowedReplicas: [3, 5, 9]",
            "spec.allowedReplicas",
            "every allowedReplicas size must lie within minReplicas..maxReplicas"),
        new Case(
            "neither replicas nor metrics (CEL)",
            "maxReplicas: 7",
            "spec.metrics",
            "set spec.replicas for a fixed size, or at least one metric"),
        new Case(
            "a forecast gate resuming below its minimum (CEL)",
            "replicas: 3\nmaxReplicas: 7\nprediction: {gate: {minAccuracy: 0.5, resumeAccuracy: 0.2}}",
            "spec.prediction.gate.resumeAccuracy",
            "resumeAccuracy must be greater than or equal to minAccuracy"),
        new Case(
            "a forecast gate accuracy above 1 (schema)",
            "replicas: 3\nmaxReplicas: 7\nprediction: {gate: {minAccuracy: 1.5}}",
            "spec.prediction.gate.minAccuracy",
            "should be less than or equal to 1"),
        new Case(
            "replicas not a number (schema)",
            "replicas: three\nmaxReplicas: 7",
            "spec.replicas",
            "expected numeric"),
        new Case(
            "maxReplicas missing (schema)", "replicas: 3", "spec.maxReplicas", "Required value"),
        new Case(
            "a duration that is not one (schema)",
            "replicas: 3\nmaxReplicas: 7\nsyncPeriod: soon",
            "spec.syncPeriod",
            "should match"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void apiServerRefusesAnInvalidAutoscalerNamingTheField(Case c) {
    // when
    KubectlResult r = apply("refused", c.spec());

    // then
    assertThat(r.ok()).as("accepted: %s", r.output()).isFalse();
    assertThat(r.output()).contains(c.field()).contains(c.message());
  }

  @Test
  void apiServerAcceptsAValidAutoscalerAndRefusesAScaleBeyondItsMaximum() {
    // given
    KubectlResult created = apply("valid", "replicas: 3\nminReplicas: 3\nmaxReplicas: 7");
    assertThat(created.ok()).as(created.output()).isTrue();

    // when
    KubectlResult scaled =
        cluster.controlPlane().kubectl("-n", NS, "scale", "sas/valid", "--replicas=9");

    // then
    assertThat(scaled.ok()).as("scaled beyond maxReplicas: %s", scaled.output()).isFalse();
    assertThat(scaled.output()).contains("replicas must be less than or equal to maxReplicas");
    assertThat(cluster.controlPlane().kubectl("-n", NS, "scale", "sas/valid", "--replicas=5").ok())
        .isTrue();
  }

  private static KubectlResult apply(String name, String spec) {
    String yaml =
        "apiVersion: ballast.dev/v1alpha1\nkind: StatefulAutoscaler\nmetadata:\n  name: "
            + name
            + "\n  namespace: "
            + NS
            + "\nspec:\n  targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}\n"
            + spec.indent(2);
    return cluster
        .controlPlane()
        .kubectl(
            "apply",
            "--server-side",
            "-f",
            RealControlPlane.manifest(cluster, name + "-" + Math.abs(spec.hashCode()), yaml)
                .toString());
  }
}
