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
  static final KubeClusterExtension cluster = KubeClusterExtension.builder().sharedInJvm().build();

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
            "set spec.replicas for a fixed size, at least one metric to autoscale on, or"
                + " sizeByNodes"),
        new Case(
            "a hook both a request and a command (CEL)",
            "replicas: 3\nmaxReplicas: 7\nmembership:\n  type: Hooks\n  hooks:\n    drain:\n"
                + "      - {http: {url: 'http://r/drain'}, exec: [drain]}",
            "spec.membership.hooks.drain[0]",
            "set exactly one of http (a request) or exec (a command)"),
        new Case(
            "a pod for an HTTP hook (CEL)",
            "replicas: 3\nmaxReplicas: 7\nmembership:\n  type: Hooks\n  hooks:\n    leave:\n"
                + "      - {http: {url: 'http://r/x'}, pod: {selector: role=leader}}",
            "spec.membership.hooks.leave[0].pod",
            "pod says where an exec hook runs; set exec or remove pod"),
        new Case(
            "a condition with two comparisons (CEL)",
            "replicas: 3\nmaxReplicas: 7\nmembership:\n  type: Hooks\n  hooks:\n    drained:\n"
                + "      - {http: {url: 'http://r/x'}, until: {path: $.n, lessThan: 1, equals: '0'}}",
            "spec.membership.hooks.drained[0].until",
            "set exactly one of equals, lessThan, greaterThan, length"),
        new Case(
            "hooks without type Hooks (CEL)",
            "replicas: 3\nmaxReplicas: 7\nmembership:\n  type: None\n  health: {http: {url: 'http://r/h'}}",
            "spec.membership",
            "memberId, http, members, health and hooks need type: Hooks"),
        new Case(
            "an etcd setting the adapter does not read, e.g. TLS (CEL)",
            "replicas: 3\nmaxReplicas: 7\nmembership:\n  type: Etcd\n  settings: {clientPort: '2379',"
                + " scheme: https}",
            "spec.membership.settings",
            "type Etcd takes the settings host, clientPort, peerPort and metricsPort only"),
        new Case(
            "a hook URL that is not HTTP (schema)",
            "replicas: 3\nmaxReplicas: 7\nmembership:\n  type: Hooks\n  hooks:\n    join:\n"
                + "      - {http: {url: 'ftp://r/x'}}",
            "spec.membership.hooks.join[0].http.url",
            "should match"),
        new Case(
            "after: Reload without reload hooks (CEL)",
            "replicas: 3\nmaxReplicas: 7\npeers: {key: cluster.conf, member: '{host}', after: Reload}",
            "spec.peers.reload",
            "after: Reload needs reload hooks"),
        new Case(
            "a node-count size above maxReplicas (CEL)",
            "maxReplicas: 5\nsizeByNodes: {tiers: [{atLeast: 5, replicas: 7}], otherwise: 3}",
            "spec.sizeByNodes",
            "every sizeByNodes size must be at most maxReplicas"),
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
            "a vertical target percentile below the default lower one (CEL)",
            "replicas: 3\nmaxReplicas: 7\nverticalAdvice: {targetPercentile: 0.4}",
            "spec.verticalAdvice.lowerPercentile",
            "lowerPercentile must be less than or equal to targetPercentile"),
        new Case(
            "a vertical minimum that is not a quantity (schema)",
            "replicas: 3\nmaxReplicas: 7\nverticalAdvice: {minMemory: lots}",
            "spec.verticalAdvice.minMemory",
            "should match"),
        new Case(
            "replicas not a number (schema)",
            "replicas: three\nmaxReplicas: 7",
            "spec.replicas",
            "expected numeric"),
        new Case(
            "maxReplicas missing (schema)", "replicas: 3", "spec.maxReplicas", "Required value"),
        new Case(
            "a system that is not a DNS label (schema)",
            "replicas: 3\nmaxReplicas: 7\nsystem: Storage_1",
            "spec.system",
            "should match"),
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
  void apiServerAcceptsTheRunbookFieldsOfTheExamples() throws Exception {
    // given: the storage runbook's two StatefulAutoscalers, in this test's namespace
    String yaml =
        java.nio.file.Files.readString(
                RealControlPlane.repoFile("examples/kubernetes/storage.yaml"))
            .replace("namespace: iomesh-system", "namespace: " + NS);

    // when
    KubectlResult r =
        cluster
            .controlPlane()
            .kubectl(
                "apply",
                "--server-side",
                "-f",
                RealControlPlane.manifest(cluster, "storage-example", yaml).toString());

    // then
    assertThat(r.ok()).as(r.output()).isTrue();
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
