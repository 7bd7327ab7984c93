package dev.ballast.operator.controlplane;

import static dev.ballast.operator.controlplane.RealControlPlane.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.k8s.testkit.IdlePodRunner;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.ManagedProcess;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
      KubeClusterExtension.builder()
          .runner(new IdlePodRunner(RunbookHooksIT.IMAGE))
          .sharedInJvm()
          .build();

  static ManagedProcess operator;

  @BeforeAll
  static void workloadsAndOperator() {
    KubernetesClient client = cluster.client();
    var kubeconfig =
        RealControlPlane.namespaceWithOperator(cluster, NS, "enable-rolling-restart.yaml");
    for (String name : COMPONENTS) {
      RealControlPlane.apply(cluster, "sts-" + name, statefulSet(name, 1));
    }
    RealControlPlane.apply(cluster, "sts-peers", statefulSet("peers", 2));
    await("the pods of meta, chunk and peers Ready")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                client.pods().inNamespace(NS).list().getItems().stream()
                        .filter(RealControlPlane::ready)
                        .count()
                    == COMPONENTS.size() + 2);
    operator = RealControlPlane.startOperatorOnReadyNodes(cluster, kubeconfig, NS);
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.stop(Duration.ofSeconds(5));
    }
  }

  static String statefulSet(String name, int replicas) {
    return RealControlPlane.statefulSet(NS, name, replicas, "main", RunbookHooksIT.IMAGE);
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

  @Test
  void aPeerListChangeRestartsTheMembersOneAtATimeThroughTheStatefulSetController() {
    // given: peers-0 and peers-1 running, their pods' uids noted
    KubernetesClient client = cluster.client();
    Map<String, String> before = new ConcurrentHashMap<>();
    for (Pod p : client.pods().inNamespace(NS).withLabel("app", "peers").list().getItems()) {
      before.put(p.getMetadata().getName(), p.getMetadata().getUid());
    }
    assertThat(before).containsOnlyKeys("peers-0", "peers-1");
    // A watcher of the pods: how many of those seen so far are not Ready at one moment
    Map<String, Boolean> seen = new ConcurrentHashMap<>();
    List<Integer> downAtOnce = new CopyOnWriteArrayList<>();
    Thread watcher =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                int down = 0;
                for (String n : List.of("peers-0", "peers-1", "peers-2")) {
                  Pod p = client.pods().inNamespace(NS).withName(n).get();
                  if (p != null) {
                    seen.put(n, true);
                  }
                  if (seen.containsKey(n) && (p == null || !RealControlPlane.ready(p))) {
                    down++;
                  }
                }
                downAtOnce.add(down);
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "peers-watcher");
    watcher.setDaemon(true);
    watcher.start();
    long t0 = System.nanoTime();

    // when: a third member joins, so the peer list changes (version 2) and is followed by a
    // rolling restart of the members that started with version 1
    RealControlPlane.apply(cluster, "sas-peers", peersAutoscaler());

    // then: both earlier pods replaced by new Ready pods (new uids: the StatefulSet controller
    // recreated them and the node agent runs their processes again), never two members down
    try {
      await("peers-0 and peers-1 restarted for peer list version 2, the operation ended")
          .atMost(TIMEOUT.multipliedBy(2))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                StatefulAutoscaler s = sas(client, "peers");
                return s.getStatus() != null
                    && s.getStatus().operation == null
                    && replicas(client, "peers") == 3
                    && before.entrySet().stream()
                        .allMatch(
                            e -> {
                              Pod p = client.pods().inNamespace(NS).withName(e.getKey()).get();
                              return p != null
                                  && !e.getValue().equals(p.getMetadata().getUid())
                                  && RealControlPlane.ready(p);
                            });
              });
    } finally {
      watcher.interrupt();
    }
    LOG.info("figures grow2to3WithRollingRestartMillis={}", (System.nanoTime() - t0) / 1_000_000);
    assertThat(downAtOnce).as("members not Ready at once, sampled").isNotEmpty();
    assertThat(downAtOnce).allMatch(d -> d <= 1);
    assertThat(downAtOnce).contains(1);
    var cm = client.configMaps().inNamespace(NS).withName("peers-peers").get();
    assertThat(cm.getMetadata().getAnnotations()).containsEntry("ballast.dev/peers-version", "2");
    assertThat(cm.getData().get("cluster.conf"))
        .isEqualTo(
            "peers-0.peers.storage.svc\npeers-1.peers.storage.svc\npeers-2.peers.storage.svc");
    // highest ordinal first: the new member too, as it started before version 2 was written; the
    // PUBLISH stage's history record says so, with each pod's time
    assertThat(RealControlPlane.restartsInHistory(sas(client, "peers")))
        .containsExactly("peers-2", "peers-1", "peers-0");
  }

  static String peersAutoscaler() {
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: StatefulAutoscaler
        metadata: {name: peers, namespace: %s}
        spec:
          targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: peers}
          replicas: 3
          maxReplicas: 3
          syncPeriod: 1s
          scaleUp: {preflight: false}
          peers:
            key: cluster.conf
            member: "{host}"
            after: RollingRestart
        """
        .formatted(NS);
  }
}
