package dev.ballast.operator.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.k8s.testkit.ChildJvm;
import dev.ballast.k8s.testkit.FreePorts;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.KubeControlPlane;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperProbe;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperStatefulSet;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Shared steps of the operator's ITs on a real control plane: the repository's manifests, the
 * operator as a child JVM with given credentials, and waits on pods and ZooKeeper.
 */
final class RealControlPlane {

  static final Duration TIMEOUT = Duration.ofSeconds(120);

  private RealControlPlane() {}

  /** A file of the repository (the tests run in the module's folder). */
  static Path repoFile(String relative) {
    Path p = Path.of("..").resolve(relative).normalize();
    assertThat(p).as("repository file %s", relative).exists();
    return p;
  }

  /** Writes {@code yaml} to a file under the class's work folder, for kubectl. */
  static Path manifest(KubeClusterExtension cluster, String name, String yaml) {
    try {
      Path file = cluster.controlPlane().workDir().resolve("manifests").resolve(name + ".yaml");
      Files.createDirectories(file.getParent());
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code yaml} as {@code name} and applies it server-side; fails with kubectl's words. */
  static void apply(KubeClusterExtension cluster, String name, String yaml) {
    KubeControlPlane.KubectlResult r =
        cluster
            .controlPlane()
            .kubectl("apply", "--server-side", "-f", manifest(cluster, name, yaml).toString());
    assertThat(r.ok()).as("kubectl apply of %s: %s", name, r.output()).isTrue();
  }

  /** The namespace and ServiceAccount deploy/install.yaml runs the operator as. */
  static final String OPERATOR_NAMESPACE = "ballast-system";

  static final String OPERATOR_ACCOUNT = "ballast-operator";

  /**
   * Applies deploy/install.yaml server-side (CRD, namespace, ServiceAccount, RBAC, Deployment,
   * Service), and deploy/enable-pvc-delete.yaml for {@code namespace}; returns a kubeconfig of the
   * operator's ServiceAccount with a TokenRequest token, so that the API server enforces exactly
   * that RBAC.
   */
  static Path installOperator(KubeClusterExtension cluster, String namespace) {
    KubeControlPlane.KubectlResult r =
        cluster
            .controlPlane()
            .kubectl("apply", "--server-side", "-f", repoFile("deploy/install.yaml").toString());
    assertThat(r.ok())
        .as("kubectl apply --server-side -f deploy/install.yaml: %s", r.output())
        .isTrue();
    KubeControlPlane.KubectlResult established =
        cluster
            .controlPlane()
            .kubectl(
                "wait",
                "--for=condition=Established",
                "--timeout=60s",
                "crd/statefulautoscalers.ballast.dev");
    assertThat(established.ok()).as(established.output()).isTrue();
    try {
      String pvcDelete =
          Files.readString(repoFile("deploy/enable-pvc-delete.yaml"))
              .replace("namespace: default", "namespace: " + namespace);
      KubeControlPlane.KubectlResult enabled =
          cluster
              .controlPlane()
              .kubectl(
                  "apply",
                  "--server-side",
                  "-f",
                  manifest(cluster, "enable-pvc-delete-" + namespace, pvcDelete).toString());
      assertThat(enabled.ok()).as(enabled.output()).isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cluster
        .controlPlane()
        .serviceAccountKubeconfig(OPERATOR_NAMESPACE, OPERATOR_ACCOUNT, Duration.ofHours(2));
  }

  /** Applies the CRD of deploy/crd server-side and waits until it is Established. */
  static void installCrd(KubeClusterExtension cluster) {
    KubeControlPlane.KubectlResult r =
        cluster
            .controlPlane()
            .kubectl(
                "apply",
                "--server-side",
                "-f",
                repoFile("deploy/crd/statefulautoscalers.ballast.dev-v1.yml").toString());
    assertThat(r.ok()).as("kubectl apply of the CRD: %s", r.output()).isTrue();
    KubeControlPlane.KubectlResult established =
        cluster
            .controlPlane()
            .kubectl(
                "wait",
                "--for=condition=Established",
                "--timeout=60s",
                "crd/statefulautoscalers.ballast.dev");
    assertThat(established.ok()).as(established.output()).isTrue();
  }

  /**
   * Starts the operator ({@code OperatorMain}) in its own JVM watching {@code namespace}, with the
   * given kubeconfig, resolving pod DNS names through the node agent's hosts file.
   */
  static ManagedProcess startOperator(
      KubeClusterExtension cluster,
      Path kubeconfig,
      String namespace,
      String identity,
      String... extraArgs) {
    Path dir = cluster.controlPlane().workDir().getParent();
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--namespace",
                namespace,
                "--http-address",
                "127.0.0.1",
                "--http-port",
                Integer.toString(FreePorts.next()),
                "--identity",
                identity));
    args.addAll(List.of(extraArgs));
    return ChildJvm.start(
        "ballast-operator " + identity,
        "dev.ballast.operator.OperatorMain",
        List.of(
            "-Djdk.net.hosts.file=" + cluster.agent().hostsFile(),
            "-Dsun.net.inetaddr.ttl=0",
            "-Dsun.net.inetaddr.negative.ttl=0"),
        args,
        Map.of("KUBECONFIG", kubeconfig.toString()),
        dir,
        dir.resolve("logs").resolve("operator-" + identity + ".log"));
  }

  static List<Pod> pods(KubernetesClient client, ZooKeeperStatefulSet zk) {
    return client
        .pods()
        .inNamespace(zk.namespace())
        .withLabel("app", zk.name())
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("Ready"))
            .map(PodCondition::getStatus)
            .anyMatch("True"::equals);
  }

  /** Waits until the StatefulSet has exactly {@code n} pods, all Ready. */
  static void awaitReadyPods(KubernetesClient client, ZooKeeperStatefulSet zk, int n) {
    await(n + " ready " + zk.name() + " pods")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              List<Pod> pods = pods(client, zk);
              assertThat(pods).hasSize(n);
              assertThat(pods).allMatch(RealControlPlane::ready, "Ready");
            });
  }

  /** The configuration member {@code p} serves, or empty when it does not answer now. */
  static Optional<ZooKeeperProbe.Config> config(Pod p, ZooKeeperStatefulSet zk) {
    if (p.getStatus() == null || p.getStatus().getPodIP() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          ZooKeeperProbe.config(p.getStatus().getPodIP(), zk.clientPort(), Duration.ofSeconds(3)));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The client connect string of the given pods. */
  static String connectString(List<Pod> pods, ZooKeeperStatefulSet zk) {
    return String.join(
        ",", pods.stream().map(p -> p.getStatus().getPodIP() + ":" + zk.clientPort()).toList());
  }
}
