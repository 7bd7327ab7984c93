package dev.ballast.operator.controlplane;

import static dev.ballast.operator.controlplane.RealControlPlane.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.KubeControlPlane;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperPodRunner;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperStatefulSet;
import dev.ballast.local.load.LoadResult;
import dev.ballast.local.load.LoadSettings;
import dev.ballast.local.load.RateProfile;
import dev.ballast.local.load.ZooKeeperLoadGenerator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator, in its own JVM with its own credentials, scales a real ZooKeeper ensemble behind a
 * real StatefulSet on a real API server, driven through the StatefulAutoscaler's {@code /scale}
 * with the built kubectl: 3 → 5 → 3, one member at a time, checked through ZooKeeper's own {@code
 * /zookeeper/config} on every member, under continuous writes, losing none.
 */
class ZooKeeperScaleThroughScaleIT {

  private static final String NS = "zk-scale";

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder()
          .runner(new ZooKeeperPodRunner().withNaming(ZooKeeperPodRunner.Naming.DNS))
          .build();

  static final ZooKeeperStatefulSet zk = ZooKeeperStatefulSet.of(NS, "zk");
  static ManagedProcess operator;

  @BeforeAll
  static void ensembleAndOperator() {
    KubernetesClient client = cluster.client();
    RealControlPlane.installCrd(cluster);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    zk.resources().forEach(r -> client.resource(r).create());
    RealControlPlane.awaitReadyPods(client, zk, 3);
    Path kubeconfig = cluster.controlPlane().adminKubeconfig();
    operator = RealControlPlane.startOperator(cluster, kubeconfig, NS, "operator-0");
  }

  @AfterAll
  static void stopOperator() {
    if (operator != null) {
      operator.stop(Duration.ofSeconds(5));
    }
  }

  static String autoscaler() {
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: StatefulAutoscaler
        metadata:
          name: zk
          namespace: %s
        spec:
          targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}
          replicas: 3
          maxReplicas: 7
          syncPeriod: 2s
          membership:
            type: ZooKeeper
            settings: {clientPort: "%d", quorumPort: "%d", electionPort: "%d"}
          scaleDown: {policy: Allowed, dataPolicy: Delete}
        """
        .formatted(NS, zk.clientPort(), zk.quorumPort(), zk.electionPort());
  }

  @Test
  void kubectlScaleTakesTheEnsembleThreeToFiveToThreeOneMemberAtATimeLosingNoWrite(
      TestReporter report) throws Exception {
    // given
    KubernetesClient client = cluster.client();
    KubeControlPlane cp = cluster.controlPlane();
    KubeControlPlane.KubectlResult created =
        cp.kubectl(
            "apply",
            "--server-side",
            "-f",
            RealControlPlane.manifest(cluster, "sas-zk", autoscaler()).toString());
    assertThat(created.ok()).as(created.output()).isTrue();
    awaitAutoscalerReplicas(client, 3);
    List<Pod> initial = RealControlPlane.pods(client, zk);
    LoadSettings settings =
        LoadSettings.defaults(
                RealControlPlane.connectString(initial, zk),
                RateProfile.constant(40, Duration.ofMinutes(10)))
            .withWriteFraction(0.7)
            .withBasePath("/it/scale");
    try (ConfigWatcher watcher = new ConfigWatcher(client, zk);
        ZooKeeperLoadGenerator load = new ZooKeeperLoadGenerator(settings, Clock.systemUTC())) {
      load.start();
      await().atMost(TIMEOUT).until(() -> load.stats().writesAcknowledged() >= 50);

      // when
      long t0 = System.nanoTime();
      KubeControlPlane.KubectlResult up = cp.kubectl("-n", NS, "scale", "sas/zk", "--replicas=5");
      assertThat(up.ok()).as(up.output()).isTrue();

      // then
      awaitEnsemble(client, Set.of(1, 2, 3, 4, 5));
      awaitAutoscalerReplicas(client, 5);
      long upMillis = (System.nanoTime() - t0) / 1_000_000;

      // when
      long t1 = System.nanoTime();
      KubeControlPlane.KubectlResult down = cp.kubectl("-n", NS, "scale", "sas/zk", "--replicas=3");
      assertThat(down.ok()).as(down.output()).isTrue();

      // then
      awaitEnsemble(client, Set.of(1, 2, 3));
      awaitAutoscalerReplicas(client, 3);
      long downMillis = (System.nanoTime() - t1) / 1_000_000;
      await("the removed members' claims deleted (dataPolicy Delete)")
          .atMost(TIMEOUT)
          .until(
              () ->
                  client.persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
                      .map(c -> c.getMetadata().getName())
                      .collect(Collectors.toSet())
                      .equals(Set.of("data-zk-0", "data-zk-1", "data-zk-2")));

      load.stop();
      assertThat(load.awaitFinished(Duration.ofSeconds(30))).isTrue();
      LoadResult result = load.verify(Duration.ofSeconds(30));
      report.publishEntry(
          "figures",
          "3->5 " + upMillis + " ms, 5->3 " + downMillis + " ms, " + result + " " + load.stats());
      assertThat(watcher.replicasSeen())
          .as("StatefulSet spec.replicas seen")
          .containsExactly(3, 4, 5, 4, 3);
      assertThat(watcher.jumps()).as("configurations seen: %s", watcher.configsSeen()).isEmpty();
      assertThat(watcher.configsSeen().values())
          .as("configurations seen")
          .contains(Set.of(1, 2, 3, 4), Set.of(1, 2, 3, 4, 5));
      assertThat(result.lost()).as("lost acknowledged writes: %s", result.lostPaths()).isZero();
      assertThat(result.nothingLost()).isTrue();
      assertThat(result.acknowledged()).isGreaterThan(100);
    }
  }

  private static void awaitAutoscalerReplicas(KubernetesClient client, int n) {
    await("StatefulAutoscaler status.replicas " + n)
        .atMost(TIMEOUT)
        .until(
            () -> {
              StatefulAutoscaler sas =
                  client.resources(StatefulAutoscaler.class).inNamespace(NS).withName("zk").get();
              return sas != null
                  && sas.getStatus() != null
                  && Integer.valueOf(n).equals(sas.getStatus().replicas);
            });
  }

  /**
   * Waits until exactly the members of {@code ids} run, and each serves a configuration of them.
   */
  private static void awaitEnsemble(KubernetesClient client, Set<Integer> ids) {
    await("ensemble " + ids + " on every member")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              List<Pod> pods = RealControlPlane.pods(client, zk);
              assertThat(pods.stream().map(p -> p.getMetadata().getName()))
                  .containsExactlyElementsOf(
                      IntStream.range(0, ids.size()).mapToObj(i -> "zk-" + i).toList());
              for (Pod p : pods) {
                assertThat(RealControlPlane.ready(p))
                    .as("%s Ready", p.getMetadata().getName())
                    .isTrue();
                assertThat(RealControlPlane.config(p, zk))
                    .as("configuration served by %s", p.getMetadata().getName())
                    .hasValueSatisfying(c -> assertThat(c.servers().keySet()).isEqualTo(ids));
              }
            });
  }
}
