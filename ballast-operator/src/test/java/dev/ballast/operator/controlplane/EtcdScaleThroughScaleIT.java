package dev.ballast.operator.controlplane;

import static dev.ballast.operator.controlplane.RealControlPlane.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.KubeControlPlane;
import dev.ballast.k8s.testkit.KubeTools;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.PodProcess;
import dev.ballast.k8s.testkit.etcd.EtcdContinuousWriter;
import dev.ballast.k8s.testkit.etcd.EtcdPodRunner;
import dev.ballast.k8s.testkit.etcd.EtcdStatefulSet;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator, installed by deploy/install.yaml and run in its own JVM with that ServiceAccount's
 * token (so the API server enforces its RBAC), scales a real etcd cluster behind a real StatefulSet
 * (membership {@code Etcd}, members addressed by their pod DNS names through the headless Service)
 * driven through the StatefulAutoscaler's {@code /scale} with the built kubectl: 3 → 5 → 3, one
 * member at a time (a learner added, caught up and promoted; a voter removed, then its pod), under
 * continuous writes, losing none; then etcd's own tools check the member list and {@code endpoint
 * health} on every member, and the removed members' processes are gone.
 */
class EtcdScaleThroughScaleIT {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdScaleThroughScaleIT.class);
  private static final String NS = "etcd-scale";
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder().runner(new EtcdPodRunner()).sharedInJvm().build();

  static final EtcdStatefulSet etcd = EtcdStatefulSet.of(NS, "etcd");
  static ManagedProcess operator;
  static Path etcdctl;

  @BeforeAll
  static void clusterAndOperator() {
    etcdctl = KubeTools.installed().binary("etcdctl");
    assertThat(Files.isExecutable(etcdctl))
        .as("%s: run scripts/install-test-tools (it builds etcdctl with etcd)", etcdctl)
        .isTrue();
    KubernetesClient client = cluster.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Path kubeconfig = RealControlPlane.installOperator(cluster, NS);
    etcd.resources().forEach(r -> client.resource(r).create());
    awaitPods(client, 3);
    operator =
        RealControlPlane.startOperator(
            cluster,
            kubeconfig,
            NS,
            "operator-a",
            "--lease-namespace",
            RealControlPlane.OPERATOR_NAMESPACE);
  }

  @AfterAll
  static void stopOperator() {
    if (operator != null) {
      operator.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void kubectlScaleTakesEtcdThreeToFiveToThreeOneMemberAtATimeLosingNoWrite() throws Exception {
    // given: the autoscaler holds the 3 members, and writes flow through them
    KubernetesClient client = cluster.client();
    KubeControlPlane cp = cluster.controlPlane();
    RealControlPlane.apply(cluster, "sas-etcd", autoscaler());
    RealControlPlane.awaitAutoscalerReplicas(client, NS, etcd.name(), 3);
    List<String> endpoints = pods(client).stream().map(this::clientUrl).toList();
    Map<Integer, Long> removedPids = new java.util.TreeMap<>();
    try (ReplicasWatch replicas = new ReplicasWatch(client);
        EtcdContinuousWriter writes = new EtcdContinuousWriter(endpoints, "/it/scale/")) {
      await("first writes acknowledged")
          .atMost(TIMEOUT)
          .until(() -> writes.acknowledgedCount() >= 50);

      // when
      KubeControlPlane.KubectlResult up =
          cp.kubectl("-n", NS, "scale", "sas/" + etcd.name(), "--replicas=5");
      assertThat(up.ok()).as(up.output()).isTrue();

      // then
      RealControlPlane.awaitAutoscalerReplicas(client, NS, etcd.name(), 5);
      awaitVoters(client, 5);
      for (int k : List.of(3, 4)) {
        PodProcess p = cluster.agent().process(NS, etcd.name() + "-" + k).orElseThrow();
        // The pod's process is etcd itself: unshare and sh exec'd into it.
        assertThat(ProcessHandle.of(p.pid()).flatMap(h -> h.info().command()))
            .as("command of pod %s's process", k)
            .hasValueSatisfying(c -> assertThat(c).endsWith("/etcd"));
        removedPids.put(k, p.pid());
      }

      // when
      KubeControlPlane.KubectlResult down =
          cp.kubectl("-n", NS, "scale", "sas/" + etcd.name(), "--replicas=3");
      assertThat(down.ok()).as(down.output()).isTrue();

      // then
      RealControlPlane.awaitAutoscalerReplicas(client, NS, etcd.name(), 3);
      awaitVoters(client, 3);
      RealControlPlane.awaitClaims(client, NS, Set.of("data-etcd-0", "data-etcd-1", "data-etcd-2"));
      int afterChange = writes.acknowledgedCount();
      await("writes acknowledged after the change")
          .atMost(TIMEOUT)
          .until(() -> writes.acknowledgedCount() >= afterChange + 20);
      List<String> lost = writes.lostWrites();
      LOG.info(
          "figures acknowledged={} failed={} lost={}",
          writes.acknowledgedCount(),
          writes.failureCount(),
          lost.size());
      assertThat(replicas.seen).as("StatefulSet spec.replicas seen").containsExactly(3, 4, 5, 4, 3);
      assertThat(lost).as("acknowledged writes lost").isEmpty();
      assertThat(writes.acknowledgedCount()).isGreaterThan(100);
    }

    // then: etcd's own tools on every member
    for (Pod p : pods(client)) {
      String endpoint = clientUrl(p);
      JsonNode list =
          JSON.readTree(etcdctl("--endpoints=" + endpoint, "member", "list", "-w", "json"));
      List<String> names = new ArrayList<>();
      list.path("members").forEach(m -> names.add(m.path("name").asText()));
      assertThat(names)
          .as("members listed by %s", endpoint)
          .containsExactlyInAnyOrder("member-0", "member-1", "member-2");
      list.path("members")
          .forEach(
              m ->
                  assertThat(m.path("isLearner").asBoolean(false))
                      .as("%s a learner", m.path("name").asText())
                      .isFalse());
      assertThat(etcdctl("--endpoints=" + endpoint, "endpoint", "health"))
          .contains(endpoint + " is healthy");
    }
    // and: the removed members' processes are gone, with nothing left behind
    removedPids.forEach(
        (k, pid) ->
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                .as("process of removed member %s (pid %s)", k, pid)
                .isEmpty());
    String leftover =
        ProcessHandle.allProcesses()
            .map(h -> h.info().commandLine().orElse(""))
            .filter(c -> c.contains("--name=member-3") || c.contains("--name=member-4"))
            .filter(
                c ->
                    c.contains(cluster.agent().hostsFile().toAbsolutePath().getParent().toString()))
            .collect(Collectors.joining("\n"));
    assertThat(leftover).as("processes of removed members").isEmpty();
  }

  private static String autoscaler() {
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: StatefulAutoscaler
        metadata:
          name: %s
          namespace: %s
        spec:
          targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: %s}
          replicas: 3
          maxReplicas: 5
          syncPeriod: 2s
          membership:
            type: Etcd
            settings: {clientPort: "%d", peerPort: "%d"}
          scaleDown: {policy: Allowed, dataPolicy: Delete}
        """
        .formatted(etcd.name(), NS, etcd.name(), etcd.clientPort(), etcd.peerPort());
  }

  private String clientUrl(Pod p) {
    return "http://" + p.getStatus().getPodIP() + ":" + etcd.clientPort();
  }

  private static List<Pod> pods(KubernetesClient client) {
    return client.pods().inNamespace(NS).withLabel("app", etcd.name()).list().getItems().stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  private static void awaitPods(KubernetesClient client, int n) {
    await(n + " ready etcd pods")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              List<Pod> pods = pods(client);
              assertThat(pods).hasSize(n);
              assertThat(pods).allMatch(RealControlPlane::ready, "Ready");
            });
  }

  /** Waits until exactly pods 0..n-1 run, Ready, and each lists n voting members by name. */
  private void awaitVoters(KubernetesClient client, int n) {
    Set<String> names =
        IntStream.range(0, n).mapToObj(i -> "member-" + i).collect(Collectors.toSet());
    await(n + " voting members on every member")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              List<Pod> pods = pods(client);
              assertThat(pods).hasSize(n).allMatch(RealControlPlane::ready, "Ready");
              for (Pod p : pods) {
                JsonNode list =
                    JSON.readTree(
                        etcdctl("--endpoints=" + clientUrl(p), "member", "list", "-w", "json"));
                Set<String> voters = new TreeSet<>();
                list.path("members")
                    .forEach(
                        m -> {
                          if (!m.path("isLearner").asBoolean(false)) {
                            voters.add(m.path("name").asText());
                          }
                        });
                assertThat(voters).as("voters listed by %s", clientUrl(p)).isEqualTo(names);
              }
            });
  }

  /** Runs the built etcdctl; returns its output, failing the test when it fails. */
  private static String etcdctl(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(etcdctl.toString(), "--command-timeout=5s"));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("etcdctl %s finished", argv).isTrue();
    assertThat(p.exitValue()).as("etcdctl %s: %s", String.join(" ", args), out).isZero();
    return out;
  }

  /** Every value of the StatefulSet's {@code spec.replicas}, in order, from a watch. */
  private static final class ReplicasWatch implements AutoCloseable {
    final List<Integer> seen = new CopyOnWriteArrayList<>();
    private final Watch watch;

    ReplicasWatch(KubernetesClient client) {
      var resource = client.apps().statefulSets().inNamespace(NS).withName(etcd.name());
      record(resource.get());
      watch =
          resource.watch(
              new Watcher<>() {
                @Override
                public void eventReceived(Action action, StatefulSet sts) {
                  record(sts);
                }

                @Override
                public void onClose(WatcherException cause) {}
              });
    }

    private synchronized void record(StatefulSet sts) {
      Integer r = sts == null ? null : sts.getSpec().getReplicas();
      if (r != null && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(r))) {
        seen.add(r);
      }
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}
