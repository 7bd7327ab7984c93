package dev.ballast.k8s.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where {@code scripts/install-test-tools} put the Kubernetes control plane binaries: {@code
 * <tools>/k8s-<version>/bin/{etcd,kube-apiserver,kube-controller-manager,kubectl,test-kubelet}}
 * (test-kubelet: {@link TestKubelet}), with {@code <tools>} from the system property {@code
 * ballast.tools.dir}, else the environment variable {@code BALLAST_TOOLS_DIR}, else {@code
 * ~/.cache/ballast}.
 */
public record KubeTools(Path binDir, String version) {

  /** The Kubernetes release the install script builds. */
  public static final String KUBERNETES_VERSION = "v1.36.3";

  /** The binaries a control plane needs. */
  public static final List<String> BINARIES =
      List.of("etcd", "kube-apiserver", "kube-controller-manager", "kubectl", "test-kubelet");

  /** The tools of {@link #KUBERNETES_VERSION} in the configured tools directory. */
  public static KubeTools installed() {
    String dir =
        Optional.ofNullable(System.getProperty("ballast.tools.dir"))
            .or(() -> Optional.ofNullable(System.getenv("BALLAST_TOOLS_DIR")))
            .filter(s -> !s.isBlank())
            .orElse(Path.of(System.getProperty("user.home"), ".cache", "ballast").toString());
    return new KubeTools(
        Path.of(dir).resolve("k8s-" + KUBERNETES_VERSION).resolve("bin"), KUBERNETES_VERSION);
  }

  /** The path of one binary. */
  public Path binary(String name) {
    return binDir.resolve(name);
  }

  /**
   * Fails with a message naming {@code scripts/install-test-tools} when a binary is missing or not
   * executable: a test that needs the control plane never skips silently.
   */
  public KubeTools requireAll() {
    List<String> missing = BINARIES.stream().filter(b -> !Files.isExecutable(binary(b))).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "Kubernetes test binaries missing: "
              + String.join(", ", missing)
              + " not found (or not executable) in "
              + binDir
              + "; run scripts/install-test-tools (it builds Kubernetes "
              + version
              + " and etcd into that folder) or point ballast.tools.dir / BALLAST_TOOLS_DIR at"
              + " the folder holding k8s-"
              + version);
    }
    return this;
  }
}
