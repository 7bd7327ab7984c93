package dev.ballast.operator.controlplane;

import static dev.ballast.operator.controlplane.RealControlPlane.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.ManagedProcess;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two components of one system ({@code spec.system: storage}) on a real control plane: the meta and
 * chunk servers' StatefulAutoscalers, created at once and both asking to grow 1 → 2, change one
 * after the other. The operator runs in its own JVM with deploy/install.yaml's ServiceAccount, so
 * the API server enforces its RBAC on the system's Lease; the pods are idle processes run by the
 * test node agent, and a member is a Ready pod ({@code membership: None}).
 */
class SystemComponentsIT {
  private static final Logger LOG = LoggerFactory.getLogger(SystemComponentsIT.class);
  private static final String NS = "storage";
  private static final List<String> COMPONENTS = List.of("meta", "chunk");

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder().runner(new RunbookHooksIT.IdlePodRunner()).build();

  static ManagedProcess operator;

  @BeforeAll
  static void workloadsAndOperator() {
    KubernetesClient client = cluster.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    var kubeconfig = RealControlPlane.installOperator(cluster, NS);
    for (String name : COMPONENTS) {
      RealControlPlane.apply(cluster, "sts-" + name, statefulSet(name));
    }
    await("one Ready pod per component")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                client.pods().inNamespace(NS).list().getItems().stream()
                        .filter(RealControlPlane::ready)
                        .count()
                    == COMPONENTS.size());
    RunbookHooksIT.untaintReadyNodes(client);
    operator = RealControlPlane.startOperator(cluster, kubeconfig, NS, "operator-a");
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.stop(Duration.ofSeconds(5));
    }
  }

  static String statefulSet(String name) {
    return """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          serviceName: %1$s
          replicas: 1
          selector: {matchLabels: {app: %1$s}}
          template:
            metadata: {labels: {app: %1$s}}
            spec:
              containers:
                - name: main
                  image: ballast-test/idle
        """
        .formatted(name, NS);
  }

  static String autoscaler(String name) {
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: StatefulAutoscaler
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          system: storage
          targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: %1$s}
          replicas: 2
          maxReplicas: 3
          syncPeriod: 1s
          scaleUp: {preflight: false}
        """
        .formatted(name, NS);
  }

  static StatefulAutoscaler sas(KubernetesClient client, String name) {
    return client.resources(StatefulAutoscaler.class).inNamespace(NS).withName(name).get();
  }

  static int replicas(KubernetesClient client, String name) {
    return client
        .apps()
        .statefulSets()
        .inNamespace(NS)
        .withName(name)
        .get()
        .getSpec()
        .getReplicas();
  }

  /** The time span of {@code name}'s one operation, from its history (first to last record). */
  static Instant[] operationSpan(StatefulAutoscaler s) {
    List<JsonNode> records =
        s.getStatus().history.stream().filter(h -> h.hasNonNull("operationId")).toList();
    assertThat(records.stream().map(h -> h.path("operationId").asText()).distinct())
        .as("%s's operations", s.getMetadata().getName())
        .hasSize(1);
    List<Instant> times =
        records.stream().map(h -> Instant.parse(h.path("time").asText())).toList();
    return new Instant[] {
      times.stream().min(Instant::compareTo).orElseThrow(),
      times.stream().max(Instant::compareTo).orElseThrow()
    };
  }

  @Test
  void twoComponentsOfOneSystemAskedToGrowAtOnceChangeOneAfterTheOther() {
    // given
    KubernetesClient client = cluster.client();
    long t0 = System.nanoTime();

    // when: both StatefulAutoscalers ask for 2 at the same moment (one kubectl apply)
    RealControlPlane.apply(
        cluster, "sas-storage", autoscaler("meta") + "---\n" + autoscaler("chunk"));

    // then: both grow, and their operations do not overlap in time
    await("both components at 2, no operation left")
        .atMost(TIMEOUT.multipliedBy(2))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                COMPONENTS.stream()
                    .allMatch(
                        n ->
                            replicas(client, n) == 2
                                && sas(client, n).getStatus() != null
                                && sas(client, n).getStatus().operation == null
                                && sas(client, n).getStatus().history != null
                                && sas(client, n).getStatus().history.stream()
                                    .anyMatch(
                                        h ->
                                            h.path("outcome").asText().equals("SUCCEEDED")
                                                && h.hasNonNull("operationId"))));
    LOG.info("figures bothGrown1to2Millis={}", (System.nanoTime() - t0) / 1_000_000);
    StatefulAutoscaler meta = sas(client, "meta");
    StatefulAutoscaler chunk = sas(client, "chunk");
    Instant[] m = operationSpan(meta);
    Instant[] c = operationSpan(chunk);
    LOG.info("figures meta={}..{} chunk={}..{}", m[0], m[1], c[0], c[1]);
    assertThat(m[1].isBefore(c[0]) || c[1].isBefore(m[0]))
        .as("meta %s..%s and chunk %s..%s do not overlap", m[0], m[1], c[0], c[1])
        .isTrue();
    // the second waited and said for whom, in its history
    StatefulAutoscaler second = m[1].isBefore(c[0]) ? chunk : meta;
    String first = second == chunk ? "meta" : "chunk";
    assertThat(second.getStatus().history)
        .anySatisfy(
            h -> {
              assertThat(h.path("outcome").asText()).isEqualTo("HELD");
              assertThat(h.path("message").asText())
                  .contains("waiting for StatefulAutoscaler " + first);
            });
    // and the system's Lease is free again
    assertThat(
            client
                .leases()
                .inNamespace(NS)
                .withName("ballast-system-storage")
                .get()
                .getSpec()
                .getHolderIdentity())
        .isNull();
  }
}
