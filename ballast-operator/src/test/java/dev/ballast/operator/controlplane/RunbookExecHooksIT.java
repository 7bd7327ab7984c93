package dev.ballast.operator.controlplane;

import static dev.ballast.operator.controlplane.RealControlPlane.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.k8s.testkit.FreePorts;
import dev.ballast.k8s.testkit.IdlePodRunner;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.PodContext;
import dev.ballast.k8s.testkit.PodProcess;
import dev.ballast.k8s.testkit.PodRunner;
import dev.ballast.members.hooks.TestRegistries.MetaCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 * The storage runbook's exec hook on a real control plane: a removed chunk server is unregistered
 * by a command run in the meta leader pod (the one pod labelled {@code iomesh.com/meta-leader}),
 * through {@code pods/exec}, once the meta servers report its chunk expired. The meta servers are a
 * small real HTTP registry ({@link MetaCluster}: only the leader may unregister, and only an
 * expired chunk); each meta pod carries an {@code iomeshctl} that asks its own meta server, so the
 * command succeeds only in the leader's pod. The API server sends the exec to the node's test
 * kubelet. The operator runs in its own JVM as deploy/install.yaml's ServiceAccount: without
 * deploy/enable-exec-hooks.yaml the API server refuses the exec (403), the step stops and the chunk
 * stays registered; with it, the chunk is unregistered by the leader.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunbookExecHooksIT {
  private static final Logger LOG = LoggerFactory.getLogger(RunbookExecHooksIT.class);
  private static final String NS = "iomesh";
  private static final String META_IMAGE = "ballast-test/iomesh-meta";
  private static final String CHUNK_IMAGE = "ballast-test/iomesh-chunk";
  private static final int LEADER = 1;

  /**
   * The runbook's {@code iomeshctl chunk unregister ID}, as the meta pods' image carries it: asks
   * this pod's own meta server (the address of its ordinal in META_ADDRESSES), prints the answer,
   * notes the call in its working folder and exits 0 only on HTTP 200.
   */
  private static final String IOMESHCTL =
      """
      #!/usr/bin/env bash
      set -u
      [ "$#" = 3 ] && [ "$1 $2" = "chunk unregister" ] || { echo "usage: iomeshctl chunk unregister ID" >&2; exit 2; }
      read -r -a addresses <<< "$META_ADDRESSES"
      address=${addresses[${HOSTNAME##*-}]}
      exec 3<>"/dev/tcp/${address%:*}/${address##*:}" || exit 1
      printf 'POST /chunks/%s/unregister HTTP/1.0\\r\\nHost: %s\\r\\nConnection: close\\r\\nContent-Length: 0\\r\\n\\r\\n' "$3" "$address" >&3
      response=$(cat <&3)
      status=$(head -1 <<< "$response" | cut -d' ' -f2)
      echo "$HOSTNAME chunk unregister $3 -> $status" >> iomeshctl.log
      echo "${response##*$'\\r\\n\\r\\n'}"
      [ "$status" = 200 ]
      """;

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder()
          .runner(new IdlePodRunner(META_IMAGE).withFile("iomeshctl", IOMESHCTL))
          .runner(new ChunkPodRunner())
          .sharedInJvm()
          .build();

  static MetaCluster meta;
  static ManagedProcess operator;
  static Path kubeconfig;
  static int dataPort;

  /**
   * A chunk server: listens on its pod's address and data port while it runs (the meta servers
   * probe it; a chunk that stops listening is reported expired).
   */
  static final class ChunkPodRunner implements PodRunner {
    @Override
    public boolean runs(Pod pod) {
      return pod.getSpec().getContainers().stream().anyMatch(c -> CHUNK_IMAGE.equals(c.getImage()));
    }

    @Override
    public PodProcess start(PodContext context) throws Exception {
      ServerSocket socket =
          new ServerSocket(context.requiredPort("data"), 50, InetAddress.getByName(context.ip()));
      Thread accept =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try (Socket s = socket.accept()) {
                    // the probe only connects
                  } catch (IOException e) {
                    // closed: the chunk server stopped
                  }
                }
              },
              "chunk-" + context.name());
      accept.setDaemon(true);
      accept.start();
      return new PodProcess() {
        @Override
        public boolean isAlive() {
          return !socket.isClosed();
        }

        @Override
        public Optional<String> notReady() {
          return socket.isClosed() ? Optional.of("stopped") : Optional.empty();
        }

        @Override
        public void stop(Duration grace) {
          kill();
        }

        @Override
        public void kill() {
          try {
            socket.close();
          } catch (IOException e) {
            // already closed
          }
        }

        @Override
        public long pid() {
          return ProcessHandle.current().pid();
        }
      };
    }
  }

  @BeforeAll
  static void metaServersChunksAndOperator() {
    KubernetesClient client = cluster.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    kubeconfig = RealControlPlane.installOperator(cluster, NS);
    // The meta servers probe a chunk by its DNS name, which only the node agent's hosts file knows.
    meta = new MetaCluster(LEADER, host -> cluster.agent().addressOf(NS, host.split("\\.")[0]));
    dataPort = FreePorts.next();
    RealControlPlane.apply(cluster, "meta-sts", metaStatefulSet());
    RealControlPlane.apply(cluster, "chunk-sts", chunkStatefulSet());
    await("3 Ready meta pods and 3 Ready chunk pods")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> ready(client, "meta") == 3 && ready(client, "chunk") == 3);
    // IOMesh's own leader election labels the leader's pod; here the test does.
    client
        .pods()
        .inNamespace(NS)
        .withName("meta-" + LEADER)
        .edit(
            p -> {
              p.getMetadata().getLabels().put("iomesh.com/meta-leader", "true");
              return p;
            });
    for (int k = 0; k < 3; k++) {
      meta.register(chunk(k));
    }
    await("3 active chunks")
        .atMost(TIMEOUT)
        .until(
            () -> meta.ips().size() == 3 && !chunksJson().contains("CHUNK_STATUS_SESSION_EXPIRED"));
    RunbookHooksIT.untaintReadyNodes(client);
    operator = RealControlPlane.startOperator(cluster, kubeconfig, NS, "operator-a");
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.stop(Duration.ofSeconds(5));
    }
    if (meta != null) {
      meta.close();
    }
  }

  static String chunk(int k) {
    return "chunk-" + k + ".chunk." + NS + ".svc:" + dataPort;
  }

  static String chunksJson() {
    try (var in = URI.create(meta.url(0) + "/chunks").toURL().openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static long ready(KubernetesClient client, String app) {
    return client.pods().inNamespace(NS).withLabel("app", app).list().getItems().stream()
        .filter(RealControlPlane::ready)
        .count();
  }

  static String metaStatefulSet() {
    return RealControlPlane.statefulSet(
        NS,
        "meta",
        3,
        "meta",
        META_IMAGE,
        "env: [{name: META_ADDRESSES, value: \"%s %s %s\"}]"
            .formatted(meta.address(0), meta.address(1), meta.address(2)));
  }

  static String chunkStatefulSet() {
    return RealControlPlane.statefulSet(
        NS,
        "chunk",
        3,
        "chunk",
        CHUNK_IMAGE,
        "ports: [{name: data, containerPort: %d}]".formatted(dataPort));
  }

  /** The chunk servers' StatefulAutoscaler of examples/kubernetes/storage.yaml, at 3 members. */
  static String autoscaler() {
    String m = meta.url(0);
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: StatefulAutoscaler
        metadata: {name: chunk, namespace: %1$s}
        spec:
          targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: chunk}
          replicas: 3
          maxReplicas: 3
          syncPeriod: 1s
          scaleDown: {policy: Allowed, dataPolicy: Retain}
          membership:
            type: Hooks
            quorum: None
            settings: {dataPort: "%2$d"}
            memberId: "{host}:{port:data}"
            members:
              http: {url: "%3$s/chunks"}
              list: "$.chunks[*].ip"
            hooks:
              join:
                - http: {method: POST, url: "%3$s/chunks", body: '{"ip": "{memberId}"}'}
              forget:
                - name: expired
                  http: {url: "%3$s/chunks"}
                  capture: {chunkId: "$.chunks[?(@.ip == '{memberId}')].id"}
                  until: {path: "$.chunks[?(@.ip == '{memberId}')].status", equals: CHUNK_STATUS_SESSION_EXPIRED}
                  attempts: 60
                  backoff: 1s
                - name: unregister
                  exec: [./iomeshctl, chunk, unregister, "{chunkId}"]
                  pod: {selector: iomesh.com/meta-leader, container: meta}
                  timeout: 30s
                  attempts: 1
        """
        .formatted(NS, dataPort, m);
  }

  /** The StatefulAutoscaler as YAML (status included), as kubectl shows it. */
  static String sas(KubernetesClient client) {
    return cluster.controlPlane().kubectl("-n", NS, "get", "sas/chunk", "-o", "yaml").output();
  }

  static Path podFolder(KubernetesClient client, String pod) {
    String uid = client.pods().inNamespace(NS).withName(pod).get().getMetadata().getUid();
    return cluster.controlPlane().workDir().resolveSibling("node").resolve("pods").resolve(uid);
  }

  static void scaleTo(KubernetesClient client, int replicas) {
    RealControlPlane.patchAutoscaler(
        client, NS, "chunk", "{\"spec\":{\"replicas\":" + replicas + "}}");
  }

  static String unregisterLine(int chunkId) {
    return "unregister: ./iomeshctl chunk unregister "
        + chunkId
        + " (in pod meta-"
        + LEADER
        + " container meta)";
  }

  @Test
  @Order(1)
  void withTheExecGrantTheMetaLeaderUnregistersTheRemovedChunkOnceItIsExpired() {
    // given
    KubernetesClient client = cluster.client();
    RealControlPlane.apply(
        cluster,
        "enable-exec-hooks",
        readRepoFile("deploy/enable-exec-hooks.yaml")
            .replace("namespace: default", "namespace: " + NS));
    RealControlPlane.apply(cluster, "sas-chunk", autoscaler());
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "chunk", 3);
    int chunk2 = meta.idOf(chunk(2)).orElseThrow();
    long t0 = System.nanoTime();

    // when
    scaleTo(client, 2);

    // then: unregistered by the leader, after the chunk was reported expired (no 409)
    await("chunk " + chunk2 + " unregistered")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> !meta.ips().contains(chunk(2)));
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "chunk", 2);
    LOG.info("figures shrink3to2WithExecMillis={}", (System.nanoTime() - t0) / 1_000_000);
    assertThat(meta.unregisteredBy())
        .containsExactly("meta " + LEADER + " unregistered chunk " + chunk2);
    assertThat(meta.refused()).isEmpty();
    assertThat(meta.ips()).containsExactlyInAnyOrder(chunk(0), chunk(1));
    // It ran in the leader pod's folder, with that pod's environment (its own meta server).
    assertThat(podFolder(client, "meta-" + LEADER).resolve("iomeshctl.log"))
        .hasContent("meta-" + LEADER + " chunk unregister " + chunk2 + " -> 200");
    assertThat(podFolder(client, "meta-0").resolve("iomeshctl.log")).doesNotExist();
    assertThat(podFolder(client, "meta-2").resolve("iomeshctl.log")).doesNotExist();
    // Its exit code and output are in the status history.
    assertThat(sas(client).replaceAll("\\s+", " "))
        .contains(unregisterLine(chunk2) + " -> exit 0: {\"unregistered\":" + chunk2 + "}");
  }

  @Test
  @Order(2)
  void withoutTheExecGrantTheUnregisterIsRefusedTheStepStopsAndTheChunkStaysRegistered()
      throws Exception {
    // given: the grant removed, and a chunk server joined again (the join hook registers it)
    KubernetesClient client = cluster.client();
    RealControlPlane.kubectlOk(
        cluster, "-n", NS, "delete", "rolebinding/ballast-exec-hooks", "role/ballast-exec-hooks");
    List<String> unregisteredBefore = meta.unregisteredBy();
    scaleTo(client, 3);
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "chunk", 3);
    int chunk2 = meta.idOf(chunk(2)).orElseThrow();
    Path leaderLog = podFolder(client, "meta-" + LEADER).resolve("iomeshctl.log");
    String leaderLogBefore = Files.readString(leaderLog);

    // when
    scaleTo(client, 2);

    // then
    await("the removal stopped at CLEANUP")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                sas(client)
                    .replaceAll("\\s+", " ")
                    .contains("removing member 2 failed at CLEANUP"));
    assertThat(sas(client).replaceAll("\\s+", " "))
        .contains(
            unregisterLine(chunk2)
                + ": the exec API refused or broke (HTTP 403 Forbidden: the operator may not"
                + " create pods/exec in this namespace; apply deploy/enable-exec-hooks.yaml here)");
    assertThat(meta.ips()).as("the chunk stays registered").contains(chunk(2));
    assertThat(meta.unregisteredBy()).isEqualTo(unregisteredBefore);
    assertThat(Files.readString(leaderLog)).as("iomeshctl never ran").isEqualTo(leaderLogBefore);
  }

  private static String readRepoFile(String relative) {
    try {
      return Files.readString(RealControlPlane.repoFile(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
