package dev.ballast.k8s.testkit;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

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
 * Files and logs go to {@code target/k8s/<TestClass>/} (emptied first). Test methods may take a
 * {@link KubeControlPlane}, a {@link KubernetesClient} (admin) or the {@link NodeAgent} as
 * parameters. When the binaries are missing the class fails with a message naming {@code
 * scripts/install-test-tools}; it is never skipped.
 */
public final class KubeClusterExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private final List<String> extraControllers;
  private final List<PodRunner> runners;
  private final Map<String, String> allocatable;
  private KubeControlPlane controlPlane;
  private NodeAgent agent;

  private KubeClusterExtension(Builder b) {
    this.extraControllers = List.copyOf(b.controllers);
    this.runners = List.copyOf(b.runners);
    this.allocatable = Map.copyOf(b.allocatable);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of the per-class cluster. */
  public static final class Builder {
    private final List<String> controllers = new ArrayList<>();
    private final List<PodRunner> runners = new ArrayList<>();
    private final Map<String, String> allocatable = new LinkedHashMap<>();

    private Builder() {}

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
      return new KubeClusterExtension(this);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Path dir = Path.of("target", "k8s", context.getRequiredTestClass().getSimpleName());
    deleteTree(dir);
    controlPlane =
        KubeControlPlane.builder()
            .workDir(dir.resolve("control-plane"))
            .withControllers(extraControllers.toArray(String[]::new))
            .start();
    NodeAgent.Builder b =
        NodeAgent.builder(controlPlane.adminClient(), dir.resolve("node"))
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
    if (agent != null) {
      agent.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
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
