package dev.ballast.operator.controlplane;

import static dev.ballast.operator.controlplane.RealControlPlane.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.core.vertical.VerticalRecommender;
import dev.ballast.core.vertical.VerticalSettings;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.VerticalAdviceStatus;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.KubeControlPlane;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperPodRunner;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperStatefulSet;
import dev.ballast.local.load.LoadResult;
import dev.ballast.local.load.LoadSettings;
import dev.ballast.local.load.RateProfile;
import dev.ballast.local.load.ZooKeeperLoadGenerator;
import dev.ballast.operator.OperatorWiring;
import dev.ballast.operator.VerticalAdviceAssert;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The operator, installed by deploy/install.yaml and run as two replicas in their own JVMs with
 * that ServiceAccount's token (so the API server enforces its RBAC), scales a real ZooKeeper
 * ensemble behind a real StatefulSet, driven through the StatefulAutoscaler's {@code /scale} with
 * the built kubectl: 3 → 5 → 3, one member at a time, checked through ZooKeeper's own {@code
 * /zookeeper/config} on every member, under continuous writes, losing none; then the leader is
 * killed in the middle of an operation and the other replica resumes it from the status; an HPA
 * drives it through its /scale; with no metrics API the size holds; and with PodMetrics served (a
 * stand-in API, {@link RealControlPlane#servePodMetricsApi}) the vertical advice in the status is
 * the core recommender's for the served usage, and goes on from its checkpoint after a rewiring.
 *
 * <p>Each {@code kubectl scale} waits for the previous operation to end: the operator refuses (and
 * does not retry) a size requested while another operation runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZooKeeperScaleThroughScaleIT {

  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperScaleThroughScaleIT.class);
  private static final String NS = "zk-scale";

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder()
          .runner(new ZooKeeperPodRunner().withNaming(ZooKeeperPodRunner.Naming.DNS))
          .withControllers(KubeControlPlane.HPA_CONTROLLER)
          .build();

  static final ZooKeeperStatefulSet zk = ZooKeeperStatefulSet.of(NS, "zk");
  static final Map<String, ManagedProcess> operators = new LinkedHashMap<>();
  static Path operatorKubeconfig;

  @BeforeAll
  static void ensembleAndOperator() {
    operatorKubeconfig = RealControlPlane.namespaceWithEnsemble(cluster, zk);
    for (String identity : List.of("operator-a", "operator-b")) {
      operators.put(identity, startOperator(identity));
    }
  }

  private static ManagedProcess startOperator(String identity) {
    return RealControlPlane.startOperator(
        cluster,
        operatorKubeconfig,
        NS,
        identity,
        "--lease-namespace",
        RealControlPlane.OPERATOR_NAMESPACE);
  }

  @AfterAll
  static void stopOperators() {
    operators.values().forEach(p -> p.stop(Duration.ofSeconds(5)));
  }

  @Test
  @Order(1)
  void operatorAccountHasTheLeastPrivilegeInstallYamlGrants() {
    // when / then: what the ServiceAccount may do, as the API server's authorizer answers
    assertThat(canI("patch", "statefulautoscalers.ballast.dev", "--subresource=status", NS))
        .isTrue();
    assertThat(canI("update", "statefulsets.apps", "--subresource=scale", NS)).isTrue();
    assertThat(canI("patch", "leases.coordination.k8s.io", RealControlPlane.OPERATOR_NAMESPACE))
        .isTrue();
    assertThat(canI("delete", "persistentvolumeclaims", NS)).isTrue();
    assertThat(canI("delete", "persistentvolumeclaims", "default")).isFalse();
    assertThat(canI("update", "statefulsets.apps", NS)).isFalse();
    assertThat(canI("create", "pods", "--subresource=exec", NS)).isFalse();
    assertThat(canI("get", "secrets", NS)).isFalse();
    assertThat(canI("delete", "pods", NS)).isFalse();
  }

  private static boolean canI(String verb, String resource, String namespace) {
    return canI(verb, resource, "--subresource=", namespace);
  }

  private static boolean canI(String verb, String resource, String subresource, String namespace) {
    KubeControlPlane.KubectlResult r =
        cluster
            .controlPlane()
            .kubectl(
                operatorKubeconfig, "auth", "can-i", verb, resource, subresource, "-n", namespace);
    return r.output().strip().equals("yes");
  }

  @Test
  @Order(2)
  void kubectlScaleTakesTheEnsembleThreeToFiveToThreeOneMemberAtATimeLosingNoWrite()
      throws Exception {
    // given
    KubernetesClient client = cluster.client();
    KubeControlPlane cp = cluster.controlPlane();
    RealControlPlane.apply(cluster, "sas-zk", RealControlPlane.zooKeeperAutoscaler(zk));
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
      RealControlPlane.awaitClaims(client, NS, Set.of("data-zk-0", "data-zk-1", "data-zk-2"));

      load.stop();
      assertThat(load.awaitFinished(Duration.ofSeconds(30))).isTrue();
      LoadResult result = load.verify(Duration.ofSeconds(30));
      LOG.info(
          "figures scaleUp3to5Millis={} scaleDown5to3Millis={} result={} stats={}",
          upMillis,
          downMillis,
          result,
          load.stats());
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

  @Test
  @Order(3)
  void leaderKilledMidOperationTheOtherReplicaResumesFromTheStatus() throws Exception {
    // given: one leader among the two replicas, and a 3 -> 5 in flight
    KubernetesClient client = cluster.client();
    awaitAutoscalerReplicas(client, 3);
    String leader = leaseHolder(client);
    assertThat(operators).containsKey(leader);
    try (ConfigWatcher watcher = new ConfigWatcher(client, zk)) {
      KubeControlPlane.KubectlResult up =
          cluster.controlPlane().kubectl("-n", NS, "scale", "sas/zk", "--replicas=5");
      assertThat(up.ok()).as(up.output()).isTrue();
      await("the first new member started")
          .atMost(TIMEOUT)
          .until(() -> client.pods().inNamespace(NS).withName("zk-3").get() != null);

      // when
      operators.get(leader).kill();

      // then
      await("the other replica leads")
          .atMost(TIMEOUT)
          .until(() -> !leader.equals(leaseHolder(client)));
      awaitEnsemble(client, Set.of(1, 2, 3, 4, 5));
      awaitAutoscalerReplicas(client, 5);
      assertThat(watcher.replicasSeen()).containsExactly(3, 4, 5);
      assertThat(watcher.jumps()).as("configurations seen: %s", watcher.configsSeen()).isEmpty();
      StatefulAutoscaler sas =
          client.resources(StatefulAutoscaler.class).inNamespace(NS).withName("zk").get();
      JsonNode operation = sas.getStatus().operation;
      assertThat(operation == null || operation.isNull())
          .as("no operation left in flight: %s", operation)
          .isTrue();
    } finally {
      operators.put(leader, startOperator(leader));
    }
  }

  @Test
  @Order(4)
  void horizontalPodAutoscalerDrivesTheAutoscalerThroughScale() {
    // given: 5 members, and an HPA on the StatefulAutoscaler whose minimum is 7
    KubernetesClient client = cluster.client();
    awaitAutoscalerReplicas(client, 5);
    String hpa =
        """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: zk
          namespace: %s
        spec:
          scaleTargetRef: {apiVersion: ballast.dev/v1alpha1, kind: StatefulAutoscaler, name: zk}
          minReplicas: 7
          maxReplicas: 7
        """
            .formatted(NS);

    // when: the real HPA controller writes the minimum through the autoscaler's /scale
    KubeControlPlane.KubectlResult created =
        cluster
            .controlPlane()
            .kubectl(
                "apply",
                "--server-side",
                "-f",
                RealControlPlane.manifest(cluster, "hpa-zk", hpa).toString());
    assertThat(created.ok()).as(created.output()).isTrue();

    // then: the operator takes the ensemble there one member at a time
    try (ConfigWatcher watcher = new ConfigWatcher(client, zk)) {
      awaitEnsemble(client, Set.of(1, 2, 3, 4, 5, 6, 7));
      awaitAutoscalerReplicas(client, 7);
      assertThat(watcher.replicasSeen()).containsExactly(5, 6, 7);
      assertThat(watcher.jumps()).as("configurations seen: %s", watcher.configsSeen()).isEmpty();
    }
    StatefulAutoscaler sas =
        client.resources(StatefulAutoscaler.class).inNamespace(NS).withName("zk").get();
    assertThat(sas.getSpec().replicas).isEqualTo(7);
    assertThat(sas.getMetadata().getManagedFields())
        .as("spec.replicas written through /scale by the HPA controller")
        .anyMatch(
            f ->
                "kube-controller-manager".equals(f.getManager())
                    && "scale".equals(f.getSubresource()));
  }

  @Test
  @Order(5)
  void unavailableMetricsHoldTheSizeWithScalingActiveFalse() {
    // given: no HPA any more, and the autoscaler now follows CPU, which no metrics API serves here
    KubernetesClient client = cluster.client();
    client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("zk").delete();
    awaitAutoscalerReplicas(client, 7);

    // when
    client
        .resources(StatefulAutoscaler.class)
        .inNamespace(NS)
        .withName("zk")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            """
            {"spec": {"replicas": null, "minReplicas": 3, "metrics": [{"type": "Resource",
              "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}],
              "verticalAdvice": {}}}
            """);

    // then
    await("ScalingActive=False and a MetricsUnavailable event")
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              StatefulAutoscaler sas =
                  client.resources(StatefulAutoscaler.class).inNamespace(NS).withName("zk").get();
              assertThat(sas.getStatus().conditions)
                  .anyMatch(
                      c -> c.getType().equals("ScalingActive") && c.getStatus().equals("False"));
              assertThat(client.v1().events().inNamespace(NS).list().getItems())
                  .anyMatch(e -> "MetricsUnavailable".equals(e.getReason()));
              // the vertical advice has no usage either: it says so, and the reconcile goes on
              assertThat(sas.getStatus().verticalAdvice).isNotNull();
              assertThat(sas.getStatus().verticalAdvice.reason).isEqualTo("MetricsUnavailable");
              assertThat(sas.getStatus().verticalAdvice.message).contains("metrics.k8s.io");
            });
    // held over three syncs (1 s each)
    await("the size held")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client
                        .apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName("zk")
                        .get()
                        .getSpec()
                        .getReplicas()
                    == 7);
  }

  @Test
  @Order(6)
  void verticalAdviceFromServedPodMetricsIsTheCoreRecommendersAndSurvivesARewiring() {
    // given: a fixed size again (no CPU metric to scale on), and PodMetrics served for the members
    KubernetesClient client = cluster.client();
    RealControlPlane.patchAutoscaler(
        client,
        NS,
        "zk",
        "{\"spec\": {\"replicas\": 7, \"minReplicas\": null, \"metrics\": null}}");
    RealControlPlane.servePodMetricsApi(cluster);
    // what install.yaml grants on usage (Resource metrics, vertical advice): read, not watch
    assertThat(canI("list", "pods.metrics.k8s.io", NS)).isTrue();
    assertThat(canI("watch", "pods.metrics.k8s.io", NS)).isFalse();
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<VerticalRecommender.Sample> served = new ArrayList<>();

    // when: three windows of usage, each counted once per pod
    for (int w = 0; w < 3; w++) {
      served.addAll(serveWindow(start, w));
      awaitVerticalSamples(client, served.size());
    }

    // then: the advice is the core recommender's for the same 21 samples, beside the requests
    VerticalAdviceStatus.ContainerAdvice advice = zooKeeperAdvice(client);
    VerticalAdviceAssert.showsTheRecommendation(advice, served, VerticalSettings.defaults());
    assertThat(advice.requests).containsKey("cpu");
    assertThat(advice.firstSampleTime).isEqualTo(start.toString());

    // when: a new spec generation wires the autoscaler anew (as a new leader would), with a
    // larger safety margin, from the checkpoint the API server kept; then one more window
    RealControlPlane.patchAutoscaler(
        client, NS, "zk", "{\"spec\": {\"verticalAdvice\": {\"safetyMargin\": 0.2}}}");
    served.addAll(serveWindow(start, 3));
    awaitVerticalSamples(client, served.size());

    // then: the histograms went on (28 samples, not 7) under the new margin
    VerticalSettings d = VerticalSettings.defaults();
    VerticalAdviceAssert.showsTheRecommendation(
        zooKeeperAdvice(client),
        served,
        new VerticalSettings(
            d.targetPercentile(),
            d.lowerPercentile(),
            d.upperPercentile(),
            0.2,
            d.minCpuCores(),
            d.minMemoryBytes(),
            d.halfLife()));
    assertThat(zooKeeperAdvice(client).target.get("cpu").getNumericalAmount().doubleValue())
        .isGreaterThan(advice.target.get("cpu").getNumericalAmount().doubleValue());
  }

  /** Serves window {@code w} of the 7 members' usage; the samples served. */
  private static List<VerticalRecommender.Sample> serveWindow(Instant start, int w) {
    Instant t = start.plusSeconds(15L * w);
    Map<String, int[]> usage = new java.util.TreeMap<>();
    List<VerticalRecommender.Sample> samples = new ArrayList<>();
    for (int p = 0; p < 7; p++) {
      int milli = 150 + 60 * ((w + p) % 4) + 5 * w;
      int mib = 280 + 30 * (p % 3) + 4 * w;
      usage.put("zk-" + p, new int[] {milli, mib});
      samples.add(new VerticalRecommender.Sample(p, t, milli / 1000.0, mib * 1024.0 * 1024.0));
    }
    RealControlPlane.writePodMetrics(cluster, NS, "zookeeper", t, usage);
    return samples;
  }

  private static void awaitVerticalSamples(KubernetesClient client, int n) {
    await(n + " vertical advice samples")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              StatefulAutoscaler sas =
                  client.resources(StatefulAutoscaler.class).inNamespace(NS).withName("zk").get();
              VerticalAdviceStatus v = sas.getStatus().verticalAdvice;
              assertThat(v).isNotNull();
              assertThat(v.reason).as(v.message).isIn("Observing", "Waiting");
              assertThat(v.containers).extracting(c -> c.samples).containsExactly((long) n);
            });
  }

  private static VerticalAdviceStatus.ContainerAdvice zooKeeperAdvice(KubernetesClient client) {
    StatefulAutoscaler sas =
        client.resources(StatefulAutoscaler.class).inNamespace(NS).withName("zk").get();
    assertThat(sas.getStatus().verticalAdvice.containers)
        .extracting(c -> c.containerName)
        .containsExactly("zookeeper");
    return sas.getStatus().verticalAdvice.containers.get(0);
  }

  private static String leaseHolder(KubernetesClient client) {
    Lease lease =
        client
            .leases()
            .inNamespace(RealControlPlane.OPERATOR_NAMESPACE)
            .withName(OperatorWiring.LEASE_NAME)
            .get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  /**
   * Waits until the autoscaler reports {@code n} replicas with no operation in flight (a request
   * made during an operation is refused: see the class comment).
   */
  private static void awaitAutoscalerReplicas(KubernetesClient client, int n) {
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", n);
  }

  /**
   * Waits until exactly the members of {@code ids} run, and each serves a configuration of them.
   */
  private static void awaitEnsemble(KubernetesClient client, Set<Integer> ids) {
    RealControlPlane.awaitEnsemble(client, zk, ids);
  }
}
