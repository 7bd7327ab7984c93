package dev.ballast.operator.controlplane;

import static dev.ballast.operator.controlplane.RealControlPlane.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.k8s.testkit.IdlePodRunner;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.KubeControlPlane;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.members.hooks.TestRegistries.DrainingRegistry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat-server runbook on a real control plane, driven by configuration only: a
 * StatefulAutoscaler with {@code membership.type: Hooks} against a small real HTTP registry on
 * loopback ({@link DrainingRegistry}: members hold sessions that take time to move away, and a
 * member still holding sessions cannot be deleted), its bearer token in a Secret, a peer list
 * ConfigMap, and {@code sizeByNodes} (3 nodes or more: 4 members, else 3). The operator runs in its
 * own JVM with deploy/install.yaml's ServiceAccount (plus enable-prometheus-token.yaml for the
 * Secret), so the API server enforces that RBAC. Adding Nodes grows the StatefulSet 3 → 4 through
 * the join hook and a new peer list version; cordoning them shrinks it back, the leaving member
 * drained through the hooks before it is deleted from the registry.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunbookHooksIT {
  private static final Logger LOG = LoggerFactory.getLogger(RunbookHooksIT.class);
  private static final String NS = "chat";
  static final String IMAGE = "ballast-test/idle";
  private static final String TOKEN = "chat-registry-token-42";
  private static final List<String> EXTRA_NODES = List.of("worker-b", "worker-c");

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder().runner(new IdlePodRunner(IMAGE)).build();

  static DrainingRegistry registry;
  static ManagedProcess operator;
  static Path kubeconfig;

  @BeforeAll
  static void registryWorkloadAndOperator() throws Exception {
    KubernetesClient client = cluster.client();
    kubeconfig =
        RealControlPlane.namespaceWithOperator(cluster, NS, "enable-prometheus-token.yaml");
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("registry-token")
                .endMetadata()
                .addToStringData("token", TOKEN)
                .build())
        .create();
    // Each member holds 4 sessions; a drain moves one away every 250 ms.
    registry = new DrainingRegistry(4, Duration.ofMillis(250)).requireToken(TOKEN);
    for (int k = 0; k < 3; k++) {
      registry.add(member(k));
    }
    RealControlPlane.apply(cluster, "chat-sts", statefulSet());
    await("3 Ready chat pods")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> chatPods(client).stream().filter(RealControlPlane::ready).count() == 3);
    operator = RealControlPlane.startOperatorOnReadyNodes(cluster, kubeconfig, NS);
  }

  /** As {@link RealControlPlane#untaintReadyNodes}, where the other ITs first found it. */
  static void untaintReadyNodes(KubernetesClient client) {
    RealControlPlane.untaintReadyNodes(client);
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.stop(Duration.ofSeconds(5));
    }
    if (registry != null) {
      registry.close();
    }
  }

  static String member(int k) {
    return "chat-" + k + ".chat." + NS + ".svc";
  }

  static List<Pod> chatPods(KubernetesClient client) {
    return client.pods().inNamespace(NS).withLabel("app", "chat").list().getItems();
  }

  static String statefulSet() {
    return RealControlPlane.statefulSet(NS, "chat", 3, "chat", IMAGE);
  }

  static String autoscaler() {
    String r = registry.url();
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: StatefulAutoscaler
        metadata: {name: chat, namespace: %1$s}
        spec:
          targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: chat}
          minReplicas: 3
          maxReplicas: 4
          syncPeriod: 1s
          sizeByNodes:
            tiers: [{atLeast: 3, replicas: 4}]
            otherwise: 3
          membership:
            type: Hooks
            memberId: "{host}"
            http:
              bearerTokenSecret: {name: registry-token, key: token}
            members:
              http: {url: "%2$s/cluster/nodes"}
              list: "$.nodes[*].id"
            hooks:
              join:
                - http: {method: POST, url: "%2$s/cluster/nodes", body: '{"id": "{memberId}"}'}
              drain:
                - http: {method: POST, url: "%2$s/cluster/nodes/{memberId}/drain"}
              drained:
                - http: {url: "%2$s/cluster/nodes/{memberId}/drain"}
                  until: {path: "$.remaining", lessThan: 1}
              cancelDrain:
                - http: {method: DELETE, url: "%2$s/cluster/nodes/{memberId}/drain"}
              leave:
                - http: {method: DELETE, url: "%2$s/cluster/nodes/{memberId}"}
          peers:
            key: peers.txt
            header: "# version {version}\\n"
            member: "{host}"
        """
        .formatted(NS, r);
  }

  static ConfigMap peers(KubernetesClient client) {
    return client.configMaps().inNamespace(NS).withName("chat-peers").get();
  }

  static String peersVersion(KubernetesClient client) {
    ConfigMap cm = peers(client);
    return cm == null ? "none" : cm.getMetadata().getAnnotations().get("ballast.dev/peers-version");
  }

  static int stsReplicas(KubernetesClient client) {
    return client
        .apps()
        .statefulSets()
        .inNamespace(NS)
        .withName("chat")
        .get()
        .getSpec()
        .getReplicas();
  }

  @Test
  @Order(1)
  void withOneNodeTheSizeStaysThreeAndThePeerListIsWrittenAsVersionOne() {
    // given
    KubernetesClient client = cluster.client();

    // when
    RealControlPlane.apply(cluster, "sas-chat", autoscaler());

    // then
    await("peer list version 1").atMost(TIMEOUT).until(() -> "1".equals(peersVersion(client)));
    assertThat(peers(client).getData().get("peers.txt"))
        .isEqualTo("# version 1\n" + member(0) + "\n" + member(1) + "\n" + member(2));
    await("a decision that holds 3")
        .atMost(TIMEOUT)
        .until(() -> sas(client).contains("desiredReplicas: 3"));
    assertThat(stsReplicas(client)).isEqualTo(3);
  }

  @Test
  @Order(2)
  void twoMoreSchedulableNodesGrowTheSetToFourThroughTheJoinHookAndANewPeerListVersion() {
    // given
    KubernetesClient client = cluster.client();
    long t0 = System.nanoTime();

    // when: two Ready nodes join the cluster
    for (String name : EXTRA_NODES) {
      Node node =
          client
              .nodes()
              .resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build())
              .create();
      node.setStatus(
          new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
              .addNewCondition()
              .withType("Ready")
              .withStatus("True")
              .withReason("KubeletReady")
              .endCondition()
              .build());
      client.nodes().resource(node).updateStatus();
    }
    untaintReadyNodes(client);

    // then
    await("member 3 registered by the join hook and peer list version 2")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                registry.ids().contains(member(3))
                    && "2".equals(peersVersion(client))
                    && stsReplicas(client) == 4);
    LOG.info("figures grow3to4Millis={}", (System.nanoTime() - t0) / 1_000_000);
    assertThat(peers(client).getData().get("peers.txt"))
        .isEqualTo(
            "# version 2\n" + member(0) + "\n" + member(1) + "\n" + member(2) + "\n" + member(3));
    assertThat(registry.ids()).hasSize(4);
    assertThat(sas(client)).contains("3 schedulable nodes call for 4 members");
  }

  @Test
  @Order(3)
  void cordoningThemShrinksTheSetAfterTheLeavingMemberDrainedAndTheTokenIsNeverShown()
      throws Exception {
    // given
    KubernetesClient client = cluster.client();
    await("the grow finished").atMost(TIMEOUT).until(() -> sas(client).contains("phase: Idle"));
    long t0 = System.nanoTime();

    // when
    for (String name : EXTRA_NODES) {
      client
          .nodes()
          .withName(name)
          .edit(
              n -> {
                n.getSpec().setUnschedulable(true);
                return n;
              });
    }

    // then
    await("member 3 drained, deleted from the registry and gone")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                !registry.ids().contains(member(3))
                    && stsReplicas(client) == 3
                    && "3".equals(peersVersion(client)));
    LOG.info("figures shrink4to3Millis={}", (System.nanoTime() - t0) / 1_000_000);
    assertThat(registry.refusedDeletes()).as("deletes refused while sessions remained").isEmpty();
    assertThat(registry.seenAuthorization()).isNotEmpty().allMatch(("Bearer " + TOKEN)::equals);
    assertThat(peers(client).getData().get("peers.txt"))
        .isEqualTo("# version 3\n" + member(0) + "\n" + member(1) + "\n" + member(2));
    String status = sas(client);
    assertThat(status).contains("DRAINED").contains("$.remaining < 1");
    assertThat(status).doesNotContain(TOKEN);
    assertThat(Files.readString(operator.log())).doesNotContain(TOKEN);
  }

  @Test
  @Order(4)
  void execHooksAndRollingRestartsAreGrantedOnlyWhereTheirFilesAreApplied() throws Exception {
    // given: the two opt-in files applied for another namespace only
    String other = "chat-exec";
    RealControlPlane.createNamespace(cluster, other);
    for (String file : List.of("enable-exec-hooks.yaml", "enable-rolling-restart.yaml")) {
      RealControlPlane.enable(cluster, file, other);
    }

    // when / then: what the operator's ServiceAccount may do, as the authorizer answers
    assertThat(canI("create", "pods", "exec", other)).isTrue();
    assertThat(canI("delete", "pods", "", other)).isTrue();
    assertThat(canI("create", "pods", "exec", NS)).isFalse();
    assertThat(canI("delete", "pods", "", NS)).isFalse();
    assertThat(canI("get", "secrets", "", NS)).as("enable-prometheus-token.yaml here").isTrue();
    assertThat(canI("get", "secrets", "", other)).isFalse();
  }

  private static boolean canI(String verb, String resource, String subresource, String namespace) {
    KubeControlPlane.KubectlResult r =
        cluster
            .controlPlane()
            .kubectl(
                kubeconfig,
                "auth",
                "can-i",
                verb,
                resource,
                "--subresource=" + subresource,
                "-n",
                namespace);
    return r.output().strip().equals("yes");
  }

  /** The StatefulAutoscaler as YAML (status included), as kubectl shows it. */
  static String sas(KubernetesClient client) {
    KubeControlPlane.KubectlResult r =
        cluster.controlPlane().kubectl("-n", NS, "get", "sas/chat", "-o", "yaml");
    return r.output();
  }
}
