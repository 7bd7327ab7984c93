package dev.ballast.operator.controlplane;

import static dev.ballast.operator.controlplane.RealControlPlane.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.k8s.testkit.FreePorts;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.KubeControlPlane;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.eureka.EurekaPodRunner;
import dev.ballast.testservers.eureka.EurekaRestClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer list on real Eureka servers (Spring Cloud Netflix, from Maven Central, one JVM per pod
 * run by the test node agent) behind a real StatefulSet: each server reads {@code
 * eureka.client.service-url.defaultZone} once, at start, from the ConfigMap the operator renders
 * ({@code spec.peers}, mounted as a volume), so {@code after: RollingRestart} deletes the pods one
 * at a time after each change. {@code kubectl scale sas/eureka --replicas=3} takes it 2 → 3; then
 * each server's own {@code GET /eureka/status} lists exactly the two others as registered replicas,
 * and an instance registered at one server is read at another.
 */
class EurekaRollingRestartIT {
  private static final Logger LOG = LoggerFactory.getLogger(EurekaRollingRestartIT.class);
  private static final String NS = "eureka";
  private static final String NAME = "eureka";
  private static final int PORT = FreePorts.next();
  private static final EurekaRestClient EUREKA = new EurekaRestClient();

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder()
          .runner(new EurekaPodRunner(Path.of("..", "ballast-eureka-testserver", "target")))
          .sharedInJvm()
          .build();

  static ManagedProcess operator;

  @BeforeAll
  static void eurekaAndOperator() {
    KubernetesClient client = cluster.client();
    Path kubeconfig =
        RealControlPlane.namespaceWithOperator(cluster, NS, "enable-rolling-restart.yaml");
    RealControlPlane.apply(cluster, "sts-eureka", statefulSet());
    awaitReadyPods(client, 2);
    operator = RealControlPlane.startOperatorOnReadyNodes(cluster, kubeconfig, NS);
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void kubectlScaleTwoToThreeRestartsEurekaSoEveryServerListsTheOthersAsReplicas()
      throws Exception {
    // given: the autoscaler holds the 2 Eureka servers
    KubernetesClient client = cluster.client();
    KubeControlPlane cp = cluster.controlPlane();
    RealControlPlane.apply(cluster, "sas-eureka", autoscaler());
    RealControlPlane.awaitAutoscalerReplicas(client, NS, NAME, 2);
    Map<String, String> uids = new HashMap<>();
    for (Pod p : pods(client)) {
      uids.put(p.getMetadata().getName(), p.getMetadata().getUid());
    }
    assertThat(uids).containsOnlyKeys(NAME + "-0", NAME + "-1");
    long t0 = System.nanoTime();

    // when
    KubeControlPlane.KubectlResult up =
        cp.kubectl("-n", NS, "scale", "sas/" + NAME, "--replicas=3");
    assertThat(up.ok()).as(up.output()).isTrue();

    // then: 3 replicas, the operation over, the two earlier pods replaced by new Ready ones
    await("3 Eureka servers, eureka-0 and eureka-1 restarted, the operation ended")
        .atMost(TIMEOUT.multipliedBy(3))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              StatefulAutoscaler s =
                  client.resources(StatefulAutoscaler.class).inNamespace(NS).withName(NAME).get();
              List<Pod> pods = pods(client);
              return s.getStatus() != null
                  && Integer.valueOf(3).equals(s.getStatus().replicas)
                  && (s.getStatus().operation == null || s.getStatus().operation.isNull())
                  && pods.size() == 3
                  && pods.stream().allMatch(RealControlPlane::ready)
                  && pods.stream()
                      .filter(p -> uids.containsKey(p.getMetadata().getName()))
                      .noneMatch(
                          p ->
                              uids.get(p.getMetadata().getName()).equals(p.getMetadata().getUid()));
            });
    LOG.info("figures grow2to3WithRollingRestartMillis={}", (System.nanoTime() - t0) / 1_000_000);
    String list =
        client.configMaps().inNamespace(NS).withName(NAME + "-peers").get().getData().get(KEY);
    assertThat(list)
        .isEqualTo(
            "eureka.client.service-url.defaultZone="
                + IntStream.range(0, 3)
                    .mapToObj(EurekaRollingRestartIT::url)
                    .collect(Collectors.joining(","))
                + "\n");

    // the pods were deleted one at a time, highest ordinal first (eureka-2 too: it started before
    // the list with it was written), as the PUBLISH stage's history record says, with their times
    assertThat(
            RealControlPlane.restartsInHistory(
                client.resources(StatefulAutoscaler.class).inNamespace(NS).withName(NAME).get()))
        .containsExactly(NAME + "-2", NAME + "-1", NAME + "-0");

    // and each server's own status lists exactly the two others as registered replicas
    List<Pod> pods = pods(client);
    for (int i = 0; i < 3; i++) {
      int self = i;
      String ip = pods.get(i).getStatus().getPodIP();
      Set<String> others =
          IntStream.range(0, 3)
              .filter(j -> j != self)
              .mapToObj(EurekaRollingRestartIT::url)
              .collect(Collectors.toCollection(TreeSet::new));
      await("registered replicas of " + NAME + "-" + i)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptionsInstanceOf(IllegalStateException.class) // no status page yet
          .untilAsserted(() -> assertThat(EUREKA.registeredReplicas(base(ip))).isEqualTo(others));
    }
    // and an instance registered at the first server is read at the new one, and back
    assertReplicated(pods.get(0), pods.get(2), "probe-a");
    assertReplicated(pods.get(2), pods.get(1), "probe-b");
  }

  private static final String KEY = "eureka.properties";

  private static String url(int ordinal) {
    return "http://" + NAME + "-" + ordinal + "." + NAME + "." + NS + ".svc:" + PORT + "/eureka/";
  }

  private static String statefulSet() {
    return RealControlPlane.statefulSet(
        NS,
        NAME,
        2,
        List.of(
            "terminationGracePeriodSeconds: 10",
            "volumes: [{name: peers, configMap: {name: %s-peers, optional: true}}]"
                .formatted(NAME)),
        "eureka",
        "ballast-test/eureka",
        "ports: [{name: http, containerPort: %d}]".formatted(PORT),
        "args: [\"--spring.config.import=optional:file:/peers/%s\"]".formatted(KEY),
        "volumeMounts: [{name: peers, mountPath: /peers}]");
  }

  private static String autoscaler() {
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: StatefulAutoscaler
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: %1$s}
          replicas: 2
          maxReplicas: 3
          syncPeriod: 1s
          scaleUp: {preflight: false}
          # the members' port "http", for {port:http} in the peer entry
          membership:
            type: None
            settings: {httpPort: "%4$d"}
          peers:
            key: %3$s
            header: "eureka.client.service-url.defaultZone="
            member: "http://{host}:{port:http}/eureka/"
            separator: ","
            footer: "\\n"
            after: RollingRestart
        """
        .formatted(NAME, NS, KEY, PORT);
  }

  private static List<Pod> pods(KubernetesClient client) {
    return client.pods().inNamespace(NS).withLabel("app", NAME).list().getItems().stream()
        .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  private static void awaitReadyPods(KubernetesClient client, int n) {
    await(n + " Ready Eureka pods")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              List<Pod> pods = pods(client);
              return pods.size() == n && pods.stream().allMatch(RealControlPlane::ready);
            });
  }

  /** Registers an instance at pod {@code at}; Eureka replicates it to its peer {@code to}. */
  private static void assertReplicated(Pod at, Pod to, String id) throws Exception {
    EUREKA.register(base(at), "PROBE", id);
    await("GET /eureka/apps/PROBE/" + id + " at " + to.getMetadata().getName())
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> EUREKA.hasInstance(base(to), "PROBE", id));
  }

  private static String base(Pod p) {
    return base(p.getStatus().getPodIP());
  }

  private static String base(String ip) {
    return "http://" + ip + ":" + PORT;
  }
}
