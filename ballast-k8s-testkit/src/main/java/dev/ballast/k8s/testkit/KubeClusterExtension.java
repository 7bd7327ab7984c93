package dev.ballast.k8s.testkit;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension: one real control plane ({@link KubeControlPlane}) and one {@link NodeAgent}
 * per test class, started before the first test and stopped after the last, shared by the test
 * methods. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KubeClusterExtension cluster =
 *     KubeClusterExtension.builder().runner(new ZooKeeperPodRunner()).build();
 * }</pre>
 *
 * With {@link Builder#sharedInJvm} the classes of one test JVM that ask for it share one control
 * plane and node agent instead, stopped when the JVM exits (see there). Files and logs go to {@code
 * target/k8s/<TestClass>/} (emptied first; {@link #workDir}), a shared cluster's own to {@code
 * target/k8s/shared-<pid>/}. Test methods may take a {@link KubeControlPlane}, a {@link
 * KubernetesClient} (admin) or the {@link NodeAgent} as parameters. When the binaries are missing
 * the class fails with a message naming {@code scripts/install-test-tools}; it is never skipped.
 */
public final class KubeClusterExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final Logger LOG = LoggerFactory.getLogger(KubeClusterExtension.class);

  /** This JVM's shared cluster, once a class asked for it. */
  private static SharedCluster sharedCluster;

  private final List<String> extraControllers;
  private final List<PodRunner> runners;
  private final Map<String, String> allocatable;
  private final boolean shared;
  private Path workDir;
  private KubeControlPlane controlPlane;
  private NodeAgent agent;
  private Set<String> namespacesBefore = Set.of();

  private KubeClusterExtension(Builder b) {
    this.extraControllers = List.copyOf(b.controllers);
    this.runners = List.copyOf(b.runners);
    this.allocatable = Map.copyOf(b.allocatable);
    this.shared = b.shared;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of the per-class cluster. */
  public static final class Builder {
    private final List<String> controllers = new ArrayList<>();
    private final List<PodRunner> runners = new ArrayList<>();
    private final Map<String, String> allocatable = new LinkedHashMap<>();
    private boolean shared;

    private Builder() {}

    /**
     * Shares one control plane ({@link KubeControlPlane#STATEFUL_CONTROLLERS} only) and one node
     * agent (default allocatable) with the other classes of this test JVM that ask for it: the
     * first one starts them, they stop when the JVM exits, and each class's {@link #runner}s
     * replace the previous class's. Each class keeps to namespaces of its own: when it ends, the
     * StatefulSets and pods of the namespaces it created are deleted and awaited gone, so that none
     * of its members runs on. Not for a class that changes Nodes, needs more controllers or other
     * allocatable resources, or asserts on a cluster-scoped object another class writes too (such
     * as the operator's leader-election Lease).
     */
    public Builder sharedInJvm() {
      this.shared = true;
      return this;
    }

    /** Controllers besides {@link KubeControlPlane#STATEFUL_CONTROLLERS}. */
    public Builder withControllers(String... names) {
      controllers.addAll(List.of(names));
      return this;
    }

    public Builder runner(PodRunner runner) {
      runners.add(runner);
      return this;
    }

    /** The Node's allocatable {@code resource} (default cpu 16, memory 64Gi, pods 110). */
    public Builder allocatable(String resource, String quantity) {
      allocatable.put(resource, quantity);
      return this;
    }

    public KubeClusterExtension build() {
      if (shared && (!controllers.isEmpty() || !allocatable.isEmpty())) {
        throw new IllegalStateException(
            "a shared cluster has the StatefulSet controllers and the default allocatable only");
      }
      return new KubeClusterExtension(this);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    workDir =
        Path.of("target", "k8s", context.getRequiredTestClass().getSimpleName()).toAbsolutePath();
    deleteTree(workDir);
    if (shared) {
      SharedCluster cluster = sharedCluster();
      controlPlane = cluster.controlPlane;
      agent = cluster.agent;
      agent.useRunners(runners);
      namespacesBefore = namespaces();
      return;
    }
    controlPlane =
        KubeControlPlane.builder()
            .workDir(workDir.resolve("control-plane"))
            .withControllers(extraControllers.toArray(String[]::new))
            .start();
    NodeAgent.Builder b =
        NodeAgent.builder(controlPlane.adminClient(), workDir.resolve("node"))
            .kubelet(controlPlane.testKubelet());
    runners.forEach(b::runner);
    allocatable.forEach(b::allocatable);
    try {
      agent = b.start();
    } catch (RuntimeException e) {
      controlPlane.close();
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (shared) {
      if (controlPlane != null) {
        removeWorkloadsOf(context.getRequiredTestClass().getSimpleName());
      }
      return;
    }
    if (agent != null) {
      agent.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  private Set<String> namespaces() {
    return client().namespaces().list().getItems().stream()
        .map(n -> n.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  /**
   * Deletes the StatefulSets and pods of the namespaces created since the class started and waits
   * until the agent has removed their pods (their members stopped).
   */
  private void removeWorkloadsOf(String testClass) {
    Set<String> created = new HashSet<>(namespaces());
    created.removeAll(namespacesBefore);
    KubernetesClient client = client();
    for (String ns : created) {
      client.apps().statefulSets().inNamespace(ns).delete();
      client.pods().inNamespace(ns).delete();
    }
    try {
      Awaitility.await("the pods of " + testClass + "'s namespaces " + created + " gone")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  created.stream()
                      .allMatch(ns -> client.pods().inNamespace(ns).list().getItems().isEmpty()));
    } catch (ConditionTimeoutException e) {
      LOG.warn("shared cluster: {}; the next class may see them", e.getMessage());
    }
  }

  private static synchronized SharedCluster sharedCluster() {
    if (sharedCluster == null) {
      sharedCluster = SharedCluster.start();
    }
    return sharedCluster;
  }

  /**
   * The control plane and node agent the classes of one test JVM share. Its processes stop when the
   * JVM exits ({@link ManagedProcess}'s shutdown hook): surefire runs each class of a reused fork
   * as its own JUnit run, so no JUnit store outlives a class.
   */
  private static final class SharedCluster {
    final KubeControlPlane controlPlane;
    final NodeAgent agent;

    private SharedCluster(KubeControlPlane controlPlane, NodeAgent agent) {
      this.controlPlane = controlPlane;
      this.agent = agent;
    }

    static SharedCluster start() {
      // Named by this JVM's pid: the test JVMs of a module run side by side in its folder.
      Path dir =
          Path.of("target", "k8s", "shared-" + ProcessHandle.current().pid()).toAbsolutePath();
      deleteTree(dir);
      KubeControlPlane cp =
          KubeControlPlane.builder().workDir(dir.resolve("control-plane")).start();
      try {
        NodeAgent agent =
            NodeAgent.builder(cp.adminClient(), dir.resolve("node"))
                .kubelet(cp.testKubelet())
                .start();
        return new SharedCluster(cp, agent);
      } catch (RuntimeException e) {
        cp.close();
        throw e;
      }
    }
  }

  /**
   * This class's own folder, {@code target/k8s/<TestClass>/} (absolute): its manifests, logs and
   * other files, whether the cluster is its own or shared.
   */
  public Path workDir() {
    return workDir;
  }

  public KubeControlPlane controlPlane() {
    return controlPlane;
  }

  /** The admin client. */
  public KubernetesClient client() {
    return controlPlane.adminClient();
  }

  public NodeAgent agent() {
    return agent;
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    Class<?> type = p.getParameter().getType();
    return type == KubeControlPlane.class
        || type == KubernetesClient.class
        || type == NodeAgent.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    Class<?> type = p.getParameter().getType();
    if (type == KubeControlPlane.class) {
      return controlPlane;
    }
    return type == NodeAgent.class ? agent : client();
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + dir, e);
    }
  }
}
