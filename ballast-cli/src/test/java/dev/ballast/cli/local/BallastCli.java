package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code ballast} command (the shaded jar the build just made) as a child process, as
 * a user would, so that a test can kill it or let a test hook halt it; members it starts run from
 * the same jar.
 */
public final class BallastCli {
  public static final Path JAR = Path.of("target", "ballast.jar").toAbsolutePath();

  public record Result(int exitCode, String out, String err) {
    public List<String> outLines() {
      return out.lines().toList();
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** The options of every {@code ballast} JVM the tests start: small, quick to start. */
  private static final List<String> JVM_FLAGS =
      List.of(
          "-Xmx96m",
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Xshare:auto",
          "-Dfile.encoding=UTF-8");

  private static List<String> archiveOptions;

  private BallastCli() {}

  /**
   * The command line that starts the {@code ballast} jar with {@code jvmOptions}, the tests' JVM
   * flags and, when one works here, the jar's class-data archive (see {@link ClassDataArchive}):
   * for tests that start and signal the process themselves. The arguments follow it.
   */
  static List<String> javaCommand(List<String> jvmOptions) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(archiveOptions(java));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", JAR.toString()));
    return cmd;
  }

  private static synchronized List<String> archiveOptions(Path java) {
    if (archiveOptions == null) {
      archiveOptions = ClassDataArchive.options(java, JVM_FLAGS, JAR);
    }
    return archiveOptions;
  }

  public static Result run(String... args) {
    return run(List.of(), Duration.ofMinutes(3), args);
  }

  /**
   * Runs {@code ballast args} with the test hook that halts it (status 137, as SIGKILL) right after
   * the journal write at {@code haltAfter} ({@code <step>:<STAGE>} or {@code end}).
   */
  static Result killedAt(String haltAfter, String... args) {
    return run(List.of("-Dballast.test.haltAfter=" + haltAfter), Duration.ofMinutes(3), args);
  }

  /** Runs {@code ballast args} with extra JVM options, failing the test after {@code timeout}. */
  static Result run(List<String> jvmOptions, Duration timeout, String... args) {
    return run(java.util.Map.of(), jvmOptions, timeout, args);
  }

  /** Runs {@code ballast args} with {@code env} added to this JVM's environment. */
  public static Result run(
      java.util.Map<String, String> env,
      List<String> jvmOptions,
      Duration timeout,
      String... args) {
    assertThat(JAR).as("the shaded jar (built by the package phase)").exists();
    List<String> cmd = new ArrayList<>(javaCommand(jvmOptions));
    cmd.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("ballast-out", ".txt");
      Path err = Files.createTempFile("ballast-err", ".txt");
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p =
            pb.redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError(
              "ballast " + String.join(" ", args) + " did not finish within " + timeout);
        }
        return new Result(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
