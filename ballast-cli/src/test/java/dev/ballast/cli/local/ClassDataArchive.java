package dev.ballast.cli.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dynamic class-data-sharing archive of the {@code ballast} jar (Java 17 AppCDS), so that the
 * many short {@code ballast} JVMs of the tests start from already parsed classes. It is made once
 * (by a side-effect-free training run, {@code ballast status} of a cluster that was never created)
 * into a file named after the jar's size and time, next to the jar, and reused by every test JVM.
 *
 * <p>An archive is only used after a JVM that must map it ({@code -Xshare:on}) ran the training
 * command and printed its status: a missing, stale, truncated or otherwise corrupt archive is
 * remade once, and when that fails the tests run without one. Test JVMs that make it at the same
 * time each write their own file and move it into place atomically, so no JVM ever maps a half
 * written archive. {@code -Dballast.it.cds=false} turns it off.
 */
final class ClassDataArchive {
  private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);
  private static final long RUN_TIMEOUT_SECONDS = 120;
  private static final String TRAINING_CLUSTER =
      """
      apiVersion: ballast.dev/v1alpha1
      kind: LocalCluster
      metadata:
        name: cds-training
      spec:
        stateDir: cds-training-state
        replicas: 3
        minReplicas: 3
        maxReplicas: 5
        member:
          kind: zookeeper
          heap: 64m
      """;

  /** How the training command's output starts: the status of a cluster never created. */
  private static final String TRAINING_STATUS = "cluster cds-training: 0 replicas, not created";

  private ClassDataArchive() {}

  /**
   * The JVM options that make a JVM started with {@code jvmFlags -jar jar} use a working archive of
   * {@code jar}, making it if needed; none when no archive works here.
   */
  static List<String> options(Path java, List<String> jvmFlags, Path jar) {
    if ("false".equals(System.getProperty("ballast.it.cds"))) {
      return List.of();
    }
    return archive(java, jvmFlags, jar)
        .map(a -> List.of("-XX:SharedArchiveFile=" + a))
        .orElse(List.of());
  }

  private static Optional<Path> archive(Path java, List<String> jvmFlags, Path jar) {
    Path training = null;
    try {
      Path dir = Files.createDirectories(jar.resolveSibling("cds"));
      Path archive =
          dir.resolve(
              "ballast-"
                  + Files.size(jar)
                  + "-"
                  + Files.getLastModifiedTime(jar).toMillis()
                  + ".jsa");
      training = Files.createTempDirectory("ballast-cds");
      Path cluster = training.resolve("cluster.yaml");
      Files.writeString(cluster, TRAINING_CLUSTER);
      List<String> command = List.of("status", "-f", cluster.toString());
      if (Files.exists(archive) && works(java, jvmFlags, jar, archive, command, training)) {
        return Optional.of(archive);
      }
      Path made =
          dir.resolve(
              archive.getFileName()
                  + "."
                  + ProcessHandle.current().pid()
                  + "-"
                  + System.nanoTime()
                  + ".tmp");
      try {
        Optional<String> trained =
            run(
                java,
                jvmFlags,
                List.of("-XX:ArchiveClassesAtExit=" + made, "-Xlog:cds*=off"),
                jar,
                command,
                training);
        if (trained.isEmpty()
            || !Files.exists(made)
            || !works(java, jvmFlags, jar, made, command, training)) {
          LOG.warn("no class-data archive of {}: the tests start ballast without one", jar);
          return Optional.empty();
        }
        Files.move(
            made, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        deleteOlderArchives(dir, archive);
        return Optional.of(archive);
      } finally {
        Files.deleteIfExists(made);
      }
    } catch (IOException e) {
      LOG.warn("no class-data archive of {}: {}", jar, e.toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      deleteTree(training);
    }
  }

  /** Whether a JVM that must map {@code archive} starts and runs {@code command} as expected. */
  private static boolean works(
      Path java, List<String> jvmFlags, Path jar, Path archive, List<String> command, Path workDir)
      throws IOException, InterruptedException {
    return run(
            java,
            jvmFlags,
            List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive),
            jar,
            command,
            workDir)
        .filter(out -> out.startsWith(TRAINING_STATUS))
        .isPresent();
  }

  /** The output (stdout and stderr) of a run that exited 0 in time, or empty. */
  private static Optional<String> run(
      Path java,
      List<String> jvmFlags,
      List<String> extra,
      Path jar,
      List<String> args,
      Path workDir)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.addAll(jvmFlags.stream().filter(f -> !f.startsWith("-Xshare:")).toList());
    cmd.addAll(extra);
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(args);
    Path out = workDir.resolve("out-" + System.nanoTime() + ".txt");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return Optional.empty();
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        LOG.info("class-data archive run {} exited {}: {}", cmd, p.exitValue(), text);
        return Optional.empty();
      }
      return Optional.of(text);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Deletes the archives of earlier builds of the jar (a JVM that maps one keeps its copy). */
  private static void deleteOlderArchives(Path dir, Path current) throws IOException {
    try (var archives = Files.newDirectoryStream(dir, "ballast-*.jsa")) {
      for (Path a : archives) {
        if (!a.equals(current)) {
          Files.deleteIfExists(a);
        }
      }
    }
  }

  private static void deleteTree(Path root) {
    if (root == null) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.debug("cannot delete {}", p, e);
                }
              });
    } catch (IOException e) {
      LOG.debug("cannot delete {}", root, e);
    }
  }
}
