package dev.ballast.k8s.testkit;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The kubelet's exec endpoint for the test node ({@code tools/test-kubelet}, built by {@code
 * scripts/install-test-tools}): with it, {@code pods/exec} (fabric8's exec, {@code kubectl exec})
 * works on the tests' real control plane, where no kubelet runs. The API server reaches it at the
 * Node's {@code InternalIP} and {@code daemonEndpoints.kubeletEndpoint.port}, verifies its
 * self-signed certificate ({@code --kubelet-certificate-authority}) and presents that same
 * certificate as its client certificate, which the test kubelet requires. A command runs as a local
 * process with the environment and working folder of the container it targets, which the {@link
 * NodeAgent} writes in a context file while that container's member runs ({@link #writeContext});
 * its exit code reaches the caller as the kubelet reports it.
 */
public final class TestKubelet {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Path binary;
  private final Path certificate;
  private final Path key;

  private TestKubelet(Path binary, Path certificate, Path key) {
    this.binary = binary;
    this.certificate = certificate;
    this.key = key;
  }

  /**
   * Writes a fresh self-signed certificate and key for 127.0.0.1 under {@code dir} with {@code
   * binary} (the test kubelet), for the API server's flags ({@link #apiServerFlags}) and {@link
   * #start}.
   */
  public static TestKubelet withNewCertificate(Path binary, Path dir) {
    Path cert = dir.resolve("kubelet.crt");
    Path key = dir.resolve("kubelet.key");
    try {
      Files.createDirectories(dir);
      Process p =
          new ProcessBuilder(
                  binary.toString(),
                  "certificate",
                  "-cert",
                  cert.toString(),
                  "-key",
                  key.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("test-kubelet certificate failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the kubelet certificate", e);
    }
    return new TestKubelet(binary, cert, key);
  }

  /**
   * The kube-apiserver flags that make it trust this kubelet's certificate, authenticate to it with
   * that same certificate, and reach nodes by their InternalIP.
   */
  public List<String> apiServerFlags() {
    return List.of(
        "--kubelet-certificate-authority=" + certificate,
        "--kubelet-client-certificate=" + certificate,
        "--kubelet-client-key=" + key,
        "--kubelet-preferred-address-types=InternalIP,Hostname");
  }

  /** The running endpoint: its port and the folder of the containers' context files. */
  public record Endpoint(ManagedProcess process, int port, Path contexts) implements AutoCloseable {
    @Override
    public void close() {
      process.stop(Duration.ofSeconds(5));
    }
  }

  /**
   * Starts the endpoint on 127.0.0.1 and a free port, reading contexts under {@code contexts}, its
   * log in {@code log}; returns once it accepts connections.
   */
  public Endpoint start(Path contexts, Path log) {
    int port = FreePorts.next();
    try {
      Files.createDirectories(contexts);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ManagedProcess p =
        ManagedProcess.start(
            "test-kubelet",
            List.of(
                binary.toString(),
                "serve",
                "-address",
                "127.0.0.1",
                "-port",
                Integer.toString(port),
                "-cert",
                certificate.toString(),
                "-key",
                key.toString(),
                "-pods",
                contexts.toString()),
            Map.of(),
            contexts,
            log);
    try {
      Awaitility.await("test-kubelet serving")
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(50))
          .failFast("test-kubelet exited", () -> !p.isAlive())
          .until(() -> p.logTail(20).contains("serving the exec API"));
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      p.kill();
      throw new IllegalStateException(
          "the test kubelet did not start; log " + log + ":\n" + p.logTail(20), e);
    }
    return new Endpoint(p, port, contexts);
  }

  /**
   * Writes the context of container {@code container} of pod {@code namespace/pod} (uid, resolved
   * environment, working folder) where the test kubelet finds it; replaces an older one at once.
   */
  public static void writeContext(
      Path contexts,
      String namespace,
      String pod,
      String container,
      String uid,
      Map<String, String> env,
      Path workingDir) {
    Path file = contextFile(contexts, namespace, pod, container);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("uid", uid);
    body.put("env", env);
    body.put("workingDir", workingDir.toAbsolutePath().toString());
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(container + ".json.tmp");
      Files.writeString(tmp, Serialization.asJson(body), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Removes the context of a container of pod {@code uid} whose member stopped (exec then answers
   * 404); leaves the context of a newer pod of the same name alone.
   */
  public static void removeContext(
      Path contexts, String namespace, String pod, String container, String uid) {
    Path file = contextFile(contexts, namespace, pod, container);
    try {
      if (Files.exists(file)
          && uid.equals(Serialization.unmarshal(Files.readString(file), Map.class).get("uid"))) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path contextFile(Path contexts, String namespace, String pod, String container) {
    return contexts.resolve(namespace).resolve(pod).resolve(container + ".json");
  }
}
