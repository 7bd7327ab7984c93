package dev.ballast.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessRuntimeIT {
  @TempDir Path stateDir;
  private final List<LocalProcessRuntime> runtimes = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    runtimes.forEach(LocalProcessRuntime::stopAll);
    for (LocalProcessRuntime r : runtimes) {
      assertThat(r.clusterProcesses()).as("processes left behind").isEmpty();
    }
  }

  private LocalProcessRuntime runtime(List<String> command, Duration grace) {
    return runtime(stateDir, command, grace);
  }

  private LocalProcessRuntime runtime(Path dir, List<String> command, Duration grace) {
    LocalProcessRuntime r =
        new LocalProcessRuntime(
            dir,
            "127.0.0.1",
            List.of("client", "peer"),
            new CommandLauncher("t", command, Map.of()),
            Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC),
            grace);
    runtimes.add(r);
    return r;
  }

  @Test
  void keepsTheReservedPortsOfAnOrdinal() {
    // given
    LocalProcessRuntime runtime = runtime(List.of("sleep", "300"), Duration.ofSeconds(2));

    // when
    Member first = runtime.prepare(0);
    Member again = runtime.prepare(0);
    Member second = runtime.prepare(1);

    // then
    assertThat(again).isEqualTo(first);
    assertThat(first.ports().keySet()).containsExactlyInAnyOrder("client", "peer");
    assertThat(second.ports().values()).doesNotContainAnyElementsOf(first.ports().values());
    assertThat(runtime(List.of("sleep", "300"), Duration.ofSeconds(2)).members())
        .containsExactly(first, second);
  }

  @Test
  void aMemberOutlivesTheProcessThatStartedIt() throws Exception {
    // given: another JVM starts member 0 and exits
    long pid = startDetached(stateDir);

    // when: this JVM opens the same state directory
    LocalProcessRuntime runtime = runtime(List.of("sleep", "300"), Duration.ofSeconds(2));

    // then
    assertThat(runtime.isRunning(0)).isTrue();
    assertThat(runtime.process(0).orElseThrow().pid()).isEqualTo(pid);
    assertThat(ProcessIdentity.of(pid).orElseThrow().session())
        .as("the member runs in its own session")
        .isEqualTo(pid);

    // when
    runtime.stop(0);

    // then
    assertThat(runtime.isRunning(0)).isFalse();
    assertThat(ProcessIdentity.of(pid).filter(ProcessIdentity::alive)).isEmpty();
  }

  @Test
  void stopAllUnderStopsEveryClusterBelowTheDirectoryWhoeverStartedItAndNothingBeside()
      throws Exception {
    // given: under one root, a member this JVM started and one another JVM started and left
    // (reparented, found by its marker alone); beside the root, a member of another cluster
    Path root = stateDir.resolve("bench");
    LocalProcessRuntime floor = runtime(root.resolve("floor"), List.of("sleep", "300"), GRACE);
    floor.start(floor.prepare(0), Map.of());
    Path detachedDir = root.resolve("ballast");
    startDetached(detachedDir);
    LocalProcessRuntime detached = runtime(detachedDir, List.of("sleep", "300"), GRACE);
    LocalProcessRuntime beside =
        runtime(stateDir.resolve("bench-other"), List.of("sleep", "300"), GRACE);
    beside.start(beside.prepare(0), Map.of());
    assertThat(LocalProcessRuntime.processesUnder(root)).hasSize(2);

    // when
    LocalProcessRuntime.stopAllUnder(root, GRACE);

    // then
    assertThat(floor.isRunning(0)).isFalse();
    assertThat(detached.isRunning(0)).isFalse();
    assertThat(LocalProcessRuntime.processesUnder(root)).isEmpty();
    assertThat(beside.isRunning(0)).as("a cluster beside the root").isTrue();
  }

  private static final Duration GRACE = Duration.ofSeconds(2);

  /**
   * Starts member 0 of a {@code sleep 300} cluster in {@code dir} from another JVM ({@link
   * DetachedStartMain}), which exits at once; returns the member's pid.
   */
  private static long startDetached(Path dir) throws IOException, InterruptedException {
    Process starter =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DetachedStartMain.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(starter.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(starter.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(starter.exitValue()).as(out).isZero();
    return Long.parseLong(out.lines().reduce((a, b) -> b).orElseThrow().trim());
  }

  @Test
  void startIsIdempotentWhileTheMemberRuns() {
    // given
    LocalProcessRuntime runtime = runtime(List.of("sleep", "300"), Duration.ofSeconds(2));
    Member m = runtime.prepare(0);
    runtime.start(m, Map.of());
    long pid = runtime.process(0).orElseThrow().pid();

    // when
    runtime.start(m, Map.of());

    // then
    assertThat(runtime.process(0).orElseThrow().pid()).isEqualTo(pid);
    assertThat(runtime.clusterProcesses()).hasSize(1);
  }

  @Test
  void aRecycledPidIsNotMistakenForTheMember() throws IOException {
    // given: the table names a live process (this JVM) but with another start time
    LocalProcessRuntime runtime = runtime(List.of("sleep", "300"), Duration.ofSeconds(2));
    Member m = runtime.prepare(0);
    ProcessIdentity self = ProcessIdentity.of(ProcessHandle.current().pid()).orElseThrow();
    MemberTable table = new MemberTable(stateDir.resolve("members.json"));
    table.write(
        List.of(new MemberRecord(0, m.host(), m.ports(), self.pid(), self.startTicks() + 1)));

    // when / then
    assertThat(runtime.isRunning(0)).isFalse();
    runtime.stop(0);
    assertThat(ProcessHandle.current().isAlive()).isTrue();
  }

  @Test
  void findsAMemberWhosePidWasNeverRecorded() throws Exception {
    // given: a member process carrying the marker, as if ballast crashed right after starting it
    LocalProcessRuntime runtime = runtime(List.of("sleep", "300"), Duration.ofSeconds(2));
    runtime.prepare(0);
    ProcessBuilder pb = new ProcessBuilder("setsid", "sleep", "300");
    pb.environment()
        .put(LocalProcessRuntime.MARKER_VARIABLE, stateDir.toAbsolutePath().normalize() + "#0");
    Process orphan = pb.start();

    // when: (polled: until the child has exec'd, /proc shows the launcher's environment)
    await().atMost(Duration.ofSeconds(10)).until(() -> runtime.isRunning(0));

    // then
    assertThat(new MemberTable(stateDir.resolve("members.json")).read().get(0).pid())
        .isEqualTo(orphan.pid());
  }

  @Test
  void stopEscalatesToSigkillAfterTheGracePeriod() {
    // given: a member that ignores SIGTERM
    LocalProcessRuntime runtime =
        runtime(
            List.of("sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"),
            Duration.ofMillis(500));
    runtime.start(runtime.prepare(0), Map.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> runtime.isRunning(0));
    long pid = runtime.process(0).orElseThrow().pid();

    // when
    long began = System.nanoTime();
    runtime.stop(0);
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    // then
    assertThat(runtime.isRunning(0)).isFalse();
    assertThat(ProcessIdentity.of(pid).filter(ProcessIdentity::alive)).isEmpty();
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(500));
  }

  @Test
  void deleteCleanupRemovesTheDataAndReleasesTheOrdinal() throws IOException {
    // given
    LocalProcessRuntime runtime = runtime(List.of("sleep", "300"), Duration.ofSeconds(2));
    Member m = runtime.prepare(0);
    Files.writeString(runtime.dataDir(0).resolve("snapshot"), "state");
    runtime.start(m, Map.of());

    // when: cleanup of a running member is refused; after stop it applies
    assertThatThrownBy(() -> runtime.cleanup(0, DataPolicy.DELETE))
        .hasMessageContaining("still runs");
    runtime.stop(0);
    runtime.cleanup(0, DataPolicy.DELETE);
    runtime.cleanup(0, DataPolicy.DELETE);

    // then
    assertThat(runtime.memberDir(0)).doesNotExist();
    assertThat(runtime.members()).isEmpty();
    assertThat(runtime.prepare(0).ports()).isNotNull();
    assertThat(runtime.dataDir(0)).isEmptyDirectory();
  }

  @Test
  void retainCleanupMovesTheDataAside() throws IOException {
    // given
    LocalProcessRuntime runtime = runtime(List.of("sleep", "300"), Duration.ofSeconds(2));
    runtime.prepare(1);
    Files.writeString(runtime.dataDir(1).resolve("snapshot"), "state");

    // when
    runtime.cleanup(1, DataPolicy.RETAIN);

    // then
    assertThat(runtime.memberDir(1)).doesNotExist();
    assertThat(stateDir.resolve("retired/member-1-20260102T030405Z/data/snapshot"))
        .hasContent("state");
    assertThat(runtime.members()).isEmpty();
  }

  @Test
  void appendsTheMembersOutputToItsLog() {
    // given
    LocalProcessRuntime runtime =
        runtime(
            List.of("sh", "-c", "echo hello from {ordinal} on {port:client}"),
            Duration.ofSeconds(1));
    Member m = runtime.prepare(0);

    // when
    runtime.start(m, Map.of());

    // then
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(runtime.logFile(0))
                    .content()
                    .contains("hello from 0 on " + m.port("client")));
    await().atMost(Duration.ofSeconds(10)).until(() -> !runtime.isRunning(0));
  }
}
