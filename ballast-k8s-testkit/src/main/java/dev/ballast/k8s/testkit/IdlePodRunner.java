package dev.ballast.k8s.testkit;

import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs the pods of one image as an idle local process ({@code sleep}) in the pod's folder, Ready
 * while it lives: for pods that only have to exist (and be exec'd into). Files given with {@link
 * #withFile} are written into the pod's folder before it starts, as an image would carry them.
 */
public final class IdlePodRunner implements PodRunner {
  private final String image;
  private final Map<String, String> files = new LinkedHashMap<>();

  public IdlePodRunner(String image) {
    this.image = Objects.requireNonNull(image);
  }

  /** An executable file {@code name} with {@code text} in every pod's folder. */
  public IdlePodRunner withFile(String name, String text) {
    files.put(name, text);
    return this;
  }

  @Override
  public boolean runs(Pod pod) {
    return pod.getSpec().getContainers().stream().anyMatch(c -> image.equals(c.getImage()));
  }

  @Override
  public PodProcess start(PodContext context) throws Exception {
    Path dir = context.workDir();
    Files.createDirectories(dir);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path file = dir.resolve(f.getKey());
      Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Process p =
        new ProcessBuilder("sleep", "3600")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("idle.log").toFile())
            .start();
    return new PodProcess() {
      @Override
      public boolean isAlive() {
        return p.isAlive();
      }

      @Override
      public Optional<String> notReady() {
        return p.isAlive() ? Optional.empty() : Optional.of("exited");
      }

      @Override
      public void stop(Duration grace) {
        p.destroy();
      }

      @Override
      public void kill() {
        p.destroyForcibly();
      }

      @Override
      public long pid() {
        return p.pid();
      }
    };
  }
}
