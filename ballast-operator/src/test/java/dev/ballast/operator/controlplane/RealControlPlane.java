package dev.ballast.operator.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.k8s.testkit.ChildJvm;
import dev.ballast.k8s.testkit.FreePorts;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.KubeControlPlane;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperProbe;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperStatefulSet;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Shared steps of the ITs on a real control plane (the operator's, and the CLI's against a cluster
 * in ballast-cli, through this module's test-jar): the repository's manifests, the operator as a
 * child JVM with given credentials, and waits on pods, the StatefulAutoscaler and ZooKeeper.
 */
public final class RealControlPlane {

  public static final Duration TIMEOUT = Duration.ofSeconds(120);

  private RealControlPlane() {}

  /** A file of the repository (the tests run in the module's folder). */
  public static Path repoFile(String relative) {
    Path p = Path.of("..").resolve(relative).normalize();
    assertThat(p).as("repository file %s", relative).exists();
    return p;
  }

  /** Writes {@code yaml} to a file under the class's work folder, for kubectl. */
  public static Path manifest(KubeClusterExtension cluster, String name, String yaml) {
    try {
      Path file = cluster.workDir().resolve("manifests").resolve(name + ".yaml");
      Files.createDirectories(file.getParent());
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Applies {@code yaml} server-side with the built kubectl as the admin, failing the test if
   * refused.
   */
  public static void apply(KubeClusterExtension cluster, String name, String yaml) {
    KubeControlPlane.KubectlResult r =
        cluster
            .controlPlane()
            .kubectl("apply", "--server-side", "-f", manifest(cluster, name, yaml).toString());
    assertThat(r.ok()).as("kubectl apply of %s: %s", name, r.output()).isTrue();
  }

  /** Runs kubectl as the admin and fails the test, with kubectl's output, when it fails. */
  static String kubectlOk(KubeClusterExtension cluster, String... args) {
    KubeControlPlane.KubectlResult r = cluster.controlPlane().kubectl(args);
    assertThat(r.ok()).as("kubectl %s: %s", String.join(" ", args), r.output()).isTrue();
    return r.output();
  }

  /** The thread dump of a child JVM ({@code jcmd PID Thread.print}), or why there is none. */
  static String threads(ManagedProcess p) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process dump =
          new ProcessBuilder(jcmd.toString(), Long.toString(p.pid()), "Thread.print")
              .redirectErrorStream(true)
              .start();
      String out = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      dump.waitFor();
      return out;
    } catch (IOException e) {
      return "no thread dump: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "no thread dump: interrupted";
    }
  }

  /**
   * Creates {@code zk}'s namespace, installs the operator there (see {@link #installOperator}),
   * creates the ensemble and waits for its 3 Ready pods; returns the operator's kubeconfig.
   */
  static Path namespaceWithEnsemble(KubeClusterExtension cluster, ZooKeeperStatefulSet zk) {
    KubernetesClient client = cluster.client();
    Path kubeconfig = namespaceWithOperator(cluster, zk.namespace());
    zk.resources().forEach(r -> client.resource(r).create());
    awaitReadyPods(client, zk, 3);
    return kubeconfig;
  }

  /** Merge-patches the spec of StatefulAutoscaler {@code namespace/name} with {@code json}. */
  public static void patchAutoscaler(
      KubernetesClient client, String namespace, String name, String json) {
    client
        .resources(StatefulAutoscaler.class)
        .inNamespace(namespace)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), json);
  }

  /**
   * A StatefulAutoscaler {@code zk} of a fixed size of 3 (at most 7) for {@code zk}'s StatefulSet:
   * ZooKeeper membership on its ports, a 1 s sync, scale-down allowed, removed claims deleted.
   */
  public static String zooKeeperAutoscaler(ZooKeeperStatefulSet zk) {
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: StatefulAutoscaler
        metadata:
          name: zk
          namespace: %s
        spec:
          targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: %s}
          replicas: 3
          maxReplicas: 7
          syncPeriod: 1s
          membership:
            type: ZooKeeper
            settings: {clientPort: "%d", quorumPort: "%d", electionPort: "%d"}
          scaleDown: {policy: Allowed, dataPolicy: Delete}
        """
        .formatted(zk.namespace(), zk.name(), zk.clientPort(), zk.quorumPort(), zk.electionPort());
  }

  /**
   * A StatefulSet {@code namespace/name} of {@code replicas} pods labelled {@code app: <name>} (its
   * serviceName {@code name}), with one container {@code container} of image {@code image} and the
   * container's further fields {@code containerFields} (YAML, e.g. {@code ports: [...]}), if any.
   */
  public static String statefulSet(
      String namespace,
      String name,
      int replicas,
      String container,
      String image,
      String... containerFields) {
    return statefulSet(namespace, name, replicas, List.of(), container, image, containerFields);
  }

  /**
   * As {@link #statefulSet(String, String, int, String, String, String...)}, with the pod spec's
   * further fields {@code podFields} (YAML, e.g. {@code volumes: [...]}).
   */
  public static String statefulSet(
      String namespace,
      String name,
      int replicas,
      List<String> podFields,
      String container,
      String image,
      String... containerFields) {
    StringBuilder fields = new StringBuilder();
    for (String f : containerFields) {
      fields.append(f.indent(10));
    }
    for (String f : podFields) {
      fields.append(f.indent(6));
    }
    return """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          serviceName: %1$s
          replicas: %3$d
          selector: {matchLabels: {app: %1$s}}
          template:
            metadata: {labels: {app: %1$s}}
            spec:
              containers:
                - name: %4$s
                  image: %5$s
        """
            .formatted(name, namespace, replicas, container, image)
        + fields;
  }

  /** The namespace and ServiceAccount deploy/install.yaml runs the operator as. */
  public static final String OPERATOR_NAMESPACE = "ballast-system";

  public static final String OPERATOR_ACCOUNT = "ballast-operator";

  /**
   * Applies deploy/install.yaml server-side (CRD, namespace, ServiceAccount, RBAC, Deployment,
   * Service), and deploy/enable-pvc-delete.yaml for {@code namespace}; returns a kubeconfig of the
   * operator's ServiceAccount with a TokenRequest token, so that the API server enforces exactly
   * that RBAC.
   */
  public static Path installOperator(KubeClusterExtension cluster, String namespace) {
    KubeControlPlane.KubectlResult r =
        cluster
            .controlPlane()
            .kubectl("apply", "--server-side", "-f", repoFile("deploy/install.yaml").toString());
    assertThat(r.ok())
        .as("kubectl apply --server-side -f deploy/install.yaml: %s", r.output())
        .isTrue();
    awaitEstablished(cluster, "statefulautoscalers.ballast.dev");
    enable(cluster, "enable-pvc-delete.yaml", namespace);
    return cluster
        .controlPlane()
        .serviceAccountKubeconfig(OPERATOR_NAMESPACE, OPERATOR_ACCOUNT, Duration.ofHours(2));
  }

  /**
   * Applies the opt-in grant {@code deploy/<file>} (written for namespace {@code default}, as a
   * user copies it) for {@code namespace}, failing the test if refused.
   */
  public static void enable(KubeClusterExtension cluster, String file, String namespace) {
    try {
      String yaml =
          Files.readString(repoFile("deploy/" + file))
              .replace("namespace: default", "namespace: " + namespace);
      apply(cluster, file.replaceFirst("\\.yaml$", "") + "-" + namespace, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates namespace {@code name}. */
  public static void createNamespace(KubeClusterExtension cluster, String name) {
    cluster
        .client()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  /**
   * Creates {@code namespace}, installs the operator there ({@link #installOperator}) and applies
   * the opt-in grants {@code deploy/<enableFiles>} for it; returns the operator's kubeconfig.
   */
  public static Path namespaceWithOperator(
      KubeClusterExtension cluster, String namespace, String... enableFiles) {
    createNamespace(cluster, namespace);
    Path kubeconfig = installOperator(cluster, namespace);
    for (String file : enableFiles) {
      enable(cluster, file, namespace);
    }
    return kubeconfig;
  }

  /**
   * Removes the {@code node.kubernetes.io/not-ready} taint the API server puts on every new Node,
   * as the node lifecycle controller does on a real cluster once the node is Ready (that controller
   * does not run here: with no kubelet heartbeats it would evict every pod).
   */
  public static void untaintReadyNodes(KubernetesClient client) {
    for (Node n : client.nodes().list().getItems()) {
      if (n.getSpec() != null
          && n.getSpec().getTaints() != null
          && !n.getSpec().getTaints().isEmpty()) {
        client
            .nodes()
            .withName(n.getMetadata().getName())
            .edit(
                x -> {
                  x.getSpec()
                      .getTaints()
                      .removeIf(t -> "node.kubernetes.io/not-ready".equals(t.getKey()));
                  return x;
                });
      }
    }
  }

  /**
   * Once the workload's pods run: untaints the nodes ({@link #untaintReadyNodes}) and starts the
   * operator {@code operator-a} watching {@code namespace} ({@link #startOperator}).
   */
  public static ManagedProcess startOperatorOnReadyNodes(
      KubeClusterExtension cluster, Path kubeconfig, String namespace) {
    untaintReadyNodes(cluster.client());
    return startOperator(cluster, kubeconfig, namespace, "operator-a");
  }

  /** Applies the CRD of deploy/crd server-side and waits until it is Established. */
  public static void installCrd(KubeClusterExtension cluster) {
    KubeControlPlane.KubectlResult r =
        cluster
            .controlPlane()
            .kubectl(
                "apply",
                "--server-side",
                "-f",
                repoFile("deploy/crd/statefulautoscalers.ballast.dev-v1.yml").toString());
    assertThat(r.ok()).as("kubectl apply of the CRD: %s", r.output()).isTrue();
    awaitEstablished(cluster, "statefulautoscalers.ballast.dev");
  }

  /**
   * Waits until CustomResourceDefinition {@code name} is Established, polled through the API:
   * {@code kubectl wait} fails at once when it reads the CRD before its status has any condition.
   */
  public static void awaitEstablished(KubeClusterExtension cluster, String name) {
    await("CRD " + name + " Established")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              var crd =
                  cluster
                      .client()
                      .apiextensions()
                      .v1()
                      .customResourceDefinitions()
                      .withName(name)
                      .get();
              return crd != null
                  && crd.getStatus() != null
                  && crd.getStatus().getConditions() != null
                  && crd.getStatus().getConditions().stream()
                      .anyMatch(
                          c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
            });
  }

  /**
   * Starts the operator ({@code OperatorMain}) in its own JVM watching {@code namespace}, with the
   * given kubeconfig, resolving pod DNS names through the node agent's hosts file.
   */
  public static ManagedProcess startOperator(
      KubeClusterExtension cluster,
      Path kubeconfig,
      String namespace,
      String identity,
      String... extraArgs) {
    Path dir = cluster.workDir();
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

  public static List<Pod> pods(KubernetesClient client, ZooKeeperStatefulSet zk) {
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

  public static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("Ready"))
            .map(PodCondition::getStatus)
            .anyMatch("True"::equals);
  }

  /** Waits until the StatefulSet has exactly {@code n} pods, all Ready. */
  public static void awaitReadyPods(KubernetesClient client, ZooKeeperStatefulSet zk, int n) {
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
  public static Optional<ZooKeeperProbe.Config> config(Pod p, ZooKeeperStatefulSet zk) {
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
  public static String connectString(List<Pod> pods, ZooKeeperStatefulSet zk) {
    return String.join(
        ",", pods.stream().map(p -> p.getStatus().getPodIP() + ":" + zk.clientPort()).toList());
  }

  /**
   * Waits until the volume claims of {@code namespace} are exactly {@code names} (the removed
   * members' claims deleted, dataPolicy Delete).
   */
  public static void awaitClaims(KubernetesClient client, String namespace, Set<String> names) {
    await("the claims " + names + " only (the removed members' deleted)")
        .atMost(TIMEOUT)
        .until(
            () ->
                client.persistentVolumeClaims().inNamespace(namespace).list().getItems().stream()
                    .map(c -> c.getMetadata().getName())
                    .collect(java.util.stream.Collectors.toSet())
                    .equals(names));
  }

  /**
   * The pods the last PUBLISH stage in {@code s}'s history restarted, in the order restarted: the
   * stage's record lists each with its peer list version and the seconds until its new pod was
   * Ready (checked here); empty when no PUBLISH record restarted a pod.
   */
  public static List<String> restartsInHistory(StatefulAutoscaler s) {
    java.util.regex.Pattern restarted =
        java.util.regex.Pattern.compile(
            "restarted pod (\\S+) \\(peer list version \\d+\\): Ready again after \\d+\\.\\ds");
    List<String> messages =
        s.getStatus().history.stream()
            .filter(h -> "STAGE".equals(h.path("kind").asText()))
            .filter(h -> "PUBLISH".equals(h.path("stage").asText()))
            .map(h -> h.path("message").asText())
            .filter(m -> m.contains("restarted pod "))
            .toList();
    if (messages.isEmpty()) {
      return List.of();
    }
    String last = messages.get(messages.size() - 1);
    List<String> pods = new java.util.ArrayList<>();
    java.util.regex.Matcher m = restarted.matcher(last);
    while (m.find()) {
      pods.add(m.group(1));
    }
    assertThat(pods)
        .as("pods restarted, each with its time, in %s", last)
        .hasSize(last.split("restarted pod ", -1).length - 1);
    return pods;
  }

  /**
   * Waits until StatefulAutoscaler {@code namespace/name} reports {@code n} replicas with no
   * operation in flight.
   */
  public static void awaitAutoscalerReplicas(
      KubernetesClient client, String namespace, String name, int n) {
    await("StatefulAutoscaler status.replicas " + n + ", no operation in flight")
        .atMost(TIMEOUT)
        .until(
            () -> {
              StatefulAutoscaler sas =
                  client
                      .resources(StatefulAutoscaler.class)
                      .inNamespace(namespace)
                      .withName(name)
                      .get();
              return sas != null
                  && sas.getStatus() != null
                  && Integer.valueOf(n).equals(sas.getStatus().replicas)
                  && (sas.getStatus().operation == null || sas.getStatus().operation.isNull());
            });
  }

  /**
   * Waits until exactly the members of {@code ids} run, and each serves a configuration of them
   * (its own {@code /zookeeper/config}).
   */
  public static void awaitEnsemble(
      KubernetesClient client, ZooKeeperStatefulSet zk, Set<Integer> ids) {
    await("ensemble " + ids + " on every member")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              List<Pod> pods = pods(client, zk);
              assertThat(pods.stream().map(p -> p.getMetadata().getName()))
                  .containsExactlyElementsOf(
                      IntStream.range(0, ids.size()).mapToObj(i -> zk.name() + "-" + i).toList());
              for (Pod p : pods) {
                assertThat(ready(p)).as("%s Ready", p.getMetadata().getName()).isTrue();
                assertThat(config(p, zk))
                    .as("configuration served by %s", p.getMetadata().getName())
                    .hasValueSatisfying(c -> assertThat(c.servers().keySet()).isEqualTo(ids));
              }
            });
  }

  /**
   * Serves {@code metrics.k8s.io/v1beta1} PodMetrics from the API server itself: a CustomResource
   * of that group whose plural is {@code pods}, so {@code GET
   * /apis/metrics.k8s.io/v1beta1/namespaces/NS/pods} lists the PodMetrics the test writes (as
   * metrics-server would serve them) through the same authorization (the operator's {@code
   * metrics.k8s.io pods get/list}). No metrics-server runs here (no kubelet to scrape).
   */
  public static void servePodMetricsApi(KubeClusterExtension cluster) {
    apply(
        cluster,
        "pod-metrics-api",
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: pods.metrics.k8s.io
          annotations:
            api-approved.kubernetes.io: "unapproved, a test's stand-in for metrics-server"
        spec:
          group: metrics.k8s.io
          scope: Namespaced
          names: {plural: pods, singular: podmetrics, kind: PodMetrics, listKind: PodMetricsList}
          versions:
          - name: v1beta1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  timestamp: {type: string}
                  window: {type: string}
                  containers:
                    type: array
                    items:
                      type: object
                      properties:
                        name: {type: string}
                        usage: {type: object, additionalProperties: {type: string}}
        """);
    awaitEstablished(cluster, "pods.metrics.k8s.io");
  }

  /**
   * Writes (server-side apply) the PodMetrics of {@code pods} for the window ending at {@code
   * time}: container {@code container} using {@code usage.get(pod)} = {cpu millicores, memory MiB}.
   */
  public static void writePodMetrics(
      KubeClusterExtension cluster,
      String namespace,
      String container,
      java.time.Instant time,
      Map<String, int[]> usage) {
    StringBuilder yaml = new StringBuilder();
    usage.forEach(
        (pod, u) ->
            yaml.append(
                """
                ---
                apiVersion: metrics.k8s.io/v1beta1
                kind: PodMetrics
                metadata: {name: %s, namespace: %s}
                timestamp: "%s"
                window: 15s
                containers:
                - name: %s
                  usage: {cpu: %dm, memory: %dMi}
                """
                    .formatted(pod, namespace, time, container, u[0], u[1])));
    apply(cluster, "pod-metrics-" + namespace, yaml.toString());
  }
}
