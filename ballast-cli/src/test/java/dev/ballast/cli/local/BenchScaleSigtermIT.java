package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ballast bench scale} stopped by SIGTERM (a CI timeout, {@code kill}) while the floor's
 * ZooKeeper servers run (this JVM's children), or Ballast's members (each in a session of its own,
 * as {@code ballast up} starts them): the real command as a child process, and the operating
 * system's own view of what is left: no process whose working directory is under the bench's work
 * directory.
 */
class BenchScaleSigtermIT {

  @TempDir Path dir;

  @ParameterizedTest(name = "while the {0} side runs")
  @ValueSource(strings = {"floor", "ballast"})
  void aBenchStoppedBySigtermLeavesNoMemberRunning(String side) throws Exception {
    // given: the bench running, with 3 members of the side up (run 1's folder of that side)
    Path work = dir.resolve("work").toAbsolutePath();
    Path sideDir = work.resolve("run-1").resolve(side);
    Path out = dir.resolve("bench.out");
    List<String> cmd = new ArrayList<>(BallastCli.javaCommand(List.of()));
    cmd.addAll(List.of("bench", "scale", "--system", "zookeeper", "--work-dir", work.toString()));
    Process bench =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    List<ProcessHandle> seen = new ArrayList<>();
    try {
      await("3 members of the " + side + " side running")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> runningUnder(sideDir).size() >= 3 || !bench.isAlive());
      assertThat(bench.isAlive()).as("the bench still runs: %s", Files.readString(out)).isTrue();
      seen.addAll(runningUnder(work));

      // when
      bench.destroy(); // SIGTERM

      // then: the bench exits, and every process it started is gone with it
      assertThat(bench.waitFor(90, TimeUnit.SECONDS)).as("bench exits after SIGTERM").isTrue();
      assertThat(seen).as("processes seen before the signal").hasSizeGreaterThanOrEqualTo(3);
      assertThat(seen.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid))
          .as("processes seen before the signal, still alive")
          .isEmpty();
      assertThat(runningUnder(work).stream().map(ProcessHandle::pid))
          .as("processes running in the bench's work directory after it exited")
          .isEmpty();
    } finally {
      bench.destroyForcibly();
      runningUnder(work).forEach(ProcessHandle::destroyForcibly);
      seen.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** Live processes whose working directory is {@code root} or below it (/proc/PID/cwd). */
  private static List<ProcessHandle> runningUnder(Path root) throws IOException {
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        Path cwd;
        try {
          cwd = Files.readSymbolicLink(p.resolve("cwd"));
        } catch (IOException | SecurityException e) {
          continue; // gone, or not ours to read
        }
        if (cwd.startsWith(root)) {
          ProcessHandle.of(Long.parseLong(name))
              .filter(ProcessHandle::isAlive)
              .ifPresent(found::add);
        }
      }
    }
    return found;
  }
}
