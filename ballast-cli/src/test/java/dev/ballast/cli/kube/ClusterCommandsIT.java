package dev.ballast.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.cli.local.BallastCli;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.KubeControlPlane;
import dev.ballast.k8s.testkit.KubeTools;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperPodRunner;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperStatefulSet;
import dev.ballast.operator.controlplane.ConfigWatcher;
import dev.ballast.operator.controlplane.RealControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI against a real control plane: the operator (installed by deploy/install.yaml, run with
 * its ServiceAccount's token) keeps a real ZooKeeper StatefulSet, and the {@code ballast} jar, run
 * as a user runs it, scales it through the StatefulAutoscaler's {@code /scale} and follows the
 * status, shows status, history and the last decision, rolls back, refuses what it must with one
 * line, and runs as a kubectl plugin through the built kubectl.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterCommandsIT {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterCommandsIT.class);

  private static final String NS = "zk-cli";
  private static final Duration CLI_TIMEOUT = Duration.ofMinutes(3);

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder()
          .runner(new ZooKeeperPodRunner().withNaming(ZooKeeperPodRunner.Naming.DNS))
          .build();

  static final ZooKeeperStatefulSet zk = ZooKeeperStatefulSet.of(NS, "zk");
  static ManagedProcess operator;
  static Path admin;

  @BeforeAll
  static void ensembleOperatorAndAutoscaler() {
    KubernetesClient client = cluster.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Path operatorKubeconfig = RealControlPlane.installOperator(cluster, NS);
    zk.resources().forEach(r -> client.resource(r).create());
    RealControlPlane.awaitReadyPods(client, zk, 3);
    operator =
        RealControlPlane.startOperator(
            cluster,
            operatorKubeconfig,
            NS,
            "operator-a",
            "--lease-namespace",
            RealControlPlane.OPERATOR_NAMESPACE);
    RealControlPlane.apply(cluster, "sas-zk", RealControlPlane.zooKeeperAutoscaler(zk));
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", 3);
    admin = cluster.controlPlane().adminKubeconfig();
  }

  @AfterAll
  static void stopOperator() {
    if (operator != null) {
      operator.stop(Duration.ofSeconds(5));
    }
  }

  /** {@code ballast ARGS} with the admin's kubeconfig in KUBECONFIG, as a user's shell has it. */
  private static BallastCli.Result ballast(String... args) {
    return BallastCli.run(Map.of("KUBECONFIG", admin.toString()), List.of(), CLI_TIMEOUT, args);
  }

  private static void assertOneLineError(BallastCli.Result r, int exitCode, String... parts) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(exitCode);
    assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
    assertThat(r.err()).as(r.toString()).startsWith("ballast: ").doesNotContain("Exception");
    for (String p : parts) {
      assertThat(r.err()).as(r.toString()).contains(p);
    }
  }

  private static int specReplicas() {
    return cluster
        .client()
        .resources(StatefulAutoscaler.class)
        .inNamespace(NS)
        .withName("zk")
        .get()
        .getSpec()
        .replicas;
  }

  @Test
  @Order(1)
  void wrongInputIsOneLineWithExitTwoAndChangesNothing(@TempDir Path home) {
    // when / then: an unknown StatefulAutoscaler
    assertOneLineError(
        ballast("status", "-n", NS, "nope"), 2, "statefulautoscaler zk-cli/nope not found");
    // no kubeconfig anywhere (KUBECONFIG names no file, an empty home)
    BallastCli.Result none =
        BallastCli.run(
            Map.of("KUBECONFIG", home.resolve("missing").toString(), "HOME", home.toString()),
            List.of("-Duser.home=" + home),
            CLI_TIMEOUT,
            "status",
            "-n",
            NS,
            "zk");
    assertOneLineError(none, 2, "no kubeconfig");
    // a context the kubeconfig does not have
    assertOneLineError(
        ballast("history", "-n", NS, "zk", "--context", "elsewhere"),
        2,
        "--context: no context 'elsewhere'");
    // both modes at once
    assertOneLineError(ballast("status", "-f", "cluster.yaml", "-n", NS, "zk"), 2, "not both");
    // not a StatefulAutoscaler
    assertOneLineError(ballast("status", "-n", NS, "sts/zk"), 2, "not a StatefulAutoscaler");
    // a size the policy refuses (maxReplicas 7): exit 3, as for a local cluster
    assertOneLineError(
        ballast("scale", "-n", NS, "zk", "--replicas", "9"), 3, "9 is not an allowed size");
    assertThat(specReplicas()).isEqualTo(3);
  }

  @Test
  @Order(2)
  void aUserWhoMayOnlyReadGetsForbiddenNamingTheVerbAndResource() {
    // given: a ServiceAccount that may read StatefulAutoscalers, not scale them
    KubeControlPlane cp = cluster.controlPlane();
    String rbac =
        """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: viewer, namespace: %1$s}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: sas-viewer, namespace: %1$s}
        rules:
        - apiGroups: [ballast.dev]
          resources: [statefulautoscalers]
          verbs: [get, list, watch]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: sas-viewer, namespace: %1$s}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: sas-viewer}
        subjects:
        - {kind: ServiceAccount, name: viewer, namespace: %1$s}
        """
            .formatted(NS);
    KubeControlPlane.KubectlResult applied =
        cp.kubectl("apply", "-f", RealControlPlane.manifest(cluster, "viewer", rbac).toString());
    assertThat(applied.ok()).as(applied.output()).isTrue();
    Path viewer = cp.serviceAccountKubeconfig(NS, "viewer", Duration.ofHours(1));

    // when
    BallastCli.Result status =
        BallastCli.run(
            Map.of(),
            List.of(),
            CLI_TIMEOUT,
            "status",
            "-n",
            NS,
            "zk",
            "--kubeconfig",
            viewer.toString());
    BallastCli.Result scale =
        BallastCli.run(
            Map.of(),
            List.of(),
            CLI_TIMEOUT,
            "scale",
            "-n",
            NS,
            "zk",
            "--replicas",
            "5",
            "--kubeconfig",
            viewer.toString());

    // then
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertOneLineError(scale, 2, "forbidden", "statefulautoscalers/scale", "get");
    assertThat(specReplicas()).isEqualTo(3);
  }

  @Test
  @Order(3)
  void scaleWaitPrintsTheStageLinesAndEndsWithTheEnsembleAtFive() throws Exception {
    // given
    KubernetesClient client = cluster.client();
    try (ConfigWatcher watcher = new ConfigWatcher(client, zk)) {
      // when
      long t0 = System.nanoTime();
      LOG.info("figures: ballast scale 3 -> 5 --wait starts at {}", Instant.now());
      BallastCli.Result r =
          ballast("scale", "-n", NS, "zk", "--replicas", "5", "--wait", "--no-progress");
      long millis = (System.nanoTime() - t0) / 1_000_000;
      LOG.info("ballast scale 3 -> 5 --wait: {}", r);

      // then
      assertThat(r.exitCode()).as(r.toString()).isZero();
      String out = r.out();
      assertThat(out)
          .as(r.toString())
          .contains("spec.replicas 3 -> 5 written through /scale")
          .contains("scaling from 3 to 5 members (manual), one member at a time")
          .containsPattern("add member 3 \\(3(→|->)4\\): PREFLIGHT ok \\(\\d+\\.\\ds\\)")
          .containsPattern("add member 3 \\(3(→|->)4\\): JOIN ok")
          .containsPattern("add member 3 \\(3(→|->)4\\): done")
          .containsPattern("add member 4 \\(4(→|->)5\\): VERIFY ok")
          .containsPattern("add member 4 \\(4(→|->)5\\): done")
          .contains("ScaledUp: scaled up from 3 to 5 members")
          .contains("replicas 5, desired 5")
          .contains("operation: none");
      assertThat(out.indexOf("add member 3")).isLessThan(out.indexOf("add member 4"));
      RealControlPlane.awaitEnsemble(client, zk, Set.of(1, 2, 3, 4, 5));
      assertThat(watcher.replicasSeen())
          .as("StatefulSet spec.replicas seen")
          .containsExactly(3, 4, 5);
      StatefulAutoscaler sas =
          client.resources(StatefulAutoscaler.class).inNamespace(NS).withName("zk").get();
      assertThat(sas.getSpec().replicas).isEqualTo(5);
      assertThat(sas.getMetadata().getManagedFields())
          .as("spec.replicas written through /scale")
          .anyMatch(f -> "scale".equals(f.getSubresource()));
      LOG.info("figures: ballast scale 3 -> 5 --wait took {} ms", millis);
    }
  }

  @Test
  @Order(4)
  void statusHistoryAndExplainShowTheOperation() throws Exception {
    // given: vertical advice asked for, and one window of usage served for the 5 members
    KubernetesClient client = cluster.client();
    RealControlPlane.servePodMetricsApi(cluster);
    Map<String, int[]> usage = new java.util.TreeMap<>();
    for (int p = 0; p < 5; p++) {
      usage.put("zk-" + p, new int[] {120 + 10 * p, 300 + p});
    }
    RealControlPlane.writePodMetrics(
        cluster, NS, "zookeeper", Instant.now().truncatedTo(ChronoUnit.SECONDS), usage);
    RealControlPlane.patchAutoscaler(client, NS, "zk", "{\"spec\": {\"verticalAdvice\": {}}}");
    org.awaitility.Awaitility.await("the vertical advice of 5 samples")
        .atMost(RealControlPlane.TIMEOUT)
        .until(
            () -> {
              var v =
                  client
                      .resources(StatefulAutoscaler.class)
                      .inNamespace(NS)
                      .withName("zk")
                      .get()
                      .getStatus()
                      .verticalAdvice;
              return v != null && v.containers.size() == 1 && v.containers.get(0).samples == 5;
            });
    var advice =
        client
            .resources(StatefulAutoscaler.class)
            .inNamespace(NS)
            .withName("zk")
            .get()
            .getStatus()
            .verticalAdvice
            .containers
            .get(0);

    // when
    BallastCli.Result status = ballast("status", "-n", NS, "sas/zk");
    BallastCli.Result json = ballast("status", "-n", NS, "zk", "-o", "json");
    BallastCli.Result history = ballast("history", "-n", NS, "zk", "--stages");
    BallastCli.Result explain = ballast("explain", "-n", NS, "zk");

    // then
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("statefulautoscaler zk-cli/zk -> StatefulSet/zk, phase Idle")
        .contains("replicas 5, desired 5")
        .contains("operation: none")
        .contains("vertical advice (never applied): Observing")
        .containsPattern(
            "zookeeper +5 +\\S+ +"
                + java.util.regex.Pattern.quote(
                    advice.target.get("cpu")
                        + " ("
                        + advice.lowerBound.get("cpu")
                        + "-"
                        + advice.upperBound.get("cpu")
                        + ")")
                + " +100m +"
                + java.util.regex.Pattern.quote(advice.target.get("memory").toString()));
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertThat(doc.at("/verticalAdvice/containers/0/target/cpu").asText())
        .isEqualTo(advice.target.get("cpu").toString());
    assertThat(doc.at("/verticalAdvice/applied").asBoolean(true)).isFalse();
    assertThat(doc.get("replicas").asInt()).isEqualTo(5);
    assertThat(doc.get("spec").get("mode").asText()).isEqualTo("fixed");
    assertThat(history.exitCode()).as(history.toString()).isZero();
    assertThat(history.out())
        .containsPattern("decision +manual +3 -> 5 +IN_PROGRESS +accepted: scale from 3 to 5")
        .containsPattern("stage +manual +4 -> 5 +SUCCEEDED +PUBLISH done")
        .containsPattern("operation +manual +3 -> 5 +SUCCEEDED +scaled up from 3 to 5 members");
    assertThat(explain.exitCode()).as(explain.toString()).isZero();
    assertThat(explain.out())
        .contains("size: fixed, spec.replicas 5")
        .contains("current 5 members, desired 5")
        .containsPattern("last decision: .*3 -> 5 .*accepted: scale from 3 to 5 members")
        .containsPattern("last operation: .*SUCCEEDED +scaled up from 3 to 5 members");
  }

  @Test
  @Order(5)
  void kubectlFindsAndRunsThePluginOnItsPath(@TempDir Path bin) throws Exception {
    // given: the launcher on PATH, as the README installs it (a symlink to scripts/kubectl-ballast)
    Files.createSymbolicLink(
        bin.resolve("kubectl-ballast"),
        RealControlPlane.repoFile("scripts/kubectl-ballast").toAbsolutePath());
    Map<String, String> env =
        Map.of(
            "PATH", bin + ":" + System.getenv("PATH"),
            "KUBECONFIG", admin.toString(),
            "BALLAST_JAR", BallastCli.JAR.toString(),
            "JAVA_HOME", System.getProperty("java.home"));

    // when
    String[] listed = kubectl(env, "plugin", "list");
    String[] status = kubectl(env, "ballast", "status", "-n", NS, "zk");

    // then
    assertThat(listed[0]).as(listed[1]).isEqualTo("0");
    assertThat(listed[1]).contains(bin.resolve("kubectl-ballast").toString());
    assertThat(status[0]).as(status[1]).isEqualTo("0");
    assertThat(status[1]).contains("statefulautoscaler zk-cli/zk -> StatefulSet/zk");
  }

  /** Runs the built kubectl with {@code env}: {exit code, output}. */
  private static String[] kubectl(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add(KubeTools.installed().binary("kubectl").toString());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String[] {Integer.toString(p.exitValue()), out};
  }

  @Test
  @Order(6)
  void rollbackReturnsToTheSizeBeforeTheLastOperation() {
    // when
    BallastCli.Result r = ballast("rollback", "-n", NS, "zk", "--wait", "--no-progress");

    // then
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("rolling back to 3 members, the size before the last completed operation")
        .containsPattern("remove member 4 \\(5(→|->)4\\): LEAVE ok")
        .containsPattern("remove member 3 \\(4(→|->)3\\): done")
        .contains("ScaledDown: scaled down from 5 to 3 members");
    RealControlPlane.awaitEnsemble(cluster.client(), zk, Set.of(1, 2, 3));
    assertThat(specReplicas()).isEqualTo(3);
  }
}
