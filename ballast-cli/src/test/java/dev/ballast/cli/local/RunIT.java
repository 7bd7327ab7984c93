package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ballast run} as a user runs it, on a cheap cluster of idle {@code sleep} processes: the
 * loop reads their CPU, shrinks the idle cluster by itself, records why, and stops cleanly on
 * SIGTERM with the journal consistent.
 */
class RunIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path file;

  @AfterEach
  void down() throws Exception {
    if (file != null && Files.exists(file)) {
      BallastCli.run("down", "-f", file.toString(), "--purge");
      try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
        assertThat(w.runtime().clusterProcesses()).as("processes left behind").isEmpty();
      }
    }
  }

  @Test
  void shrinksAnIdleClusterByItselfAndStopsCleanlyOnSigterm() throws Exception {
    // given: 3 idle members, cpu target 50% of one core, no scale-down stabilization
    file = dir.resolve("idle.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: idle
        spec:
          stateDir: state
          replicas: 3
          minReplicas: 2
          maxReplicas: 5
          member:
            kind: command
            command: [sleep, "600"]
            ports: [client]
          membership:
            type: none
          syncPeriod: 1s
          metrics:
            - type: Resource
              resource:
                name: cpu
                target:
                  type: Utilization
                  averageUtilization: 50
          behavior:
            scaleDown:
              stabilizationWindowSeconds: 0
        """);
    assertThat(BallastCli.run("up", "-f", file.toString()).exitCode()).isZero();
    Path out = dir.resolve("run.out");

    // when
    Process run =
        new ProcessBuilder(command("run", "-f", file.toString()))
            .redirectOutput(out.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          // the member table shrinks at CLEANUP: the operation ends (VERIFY, PUBLISH) after it
          .until(() -> replicas() == 2 && Files.readString(out).contains("ScaledDown"));
      run.destroy(); // SIGTERM
      assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("run exits after SIGTERM").isTrue();
      assertThat(run.exitValue()).as("a graceful stop exits 0, as the help says").isZero();
    } finally {
      run.destroyForcibly();
    }

    // then: it said what it did, stopped cleanly, and the history says why
    String printed = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(printed)
        .contains("autoscaling idle every 1.0 s")
        .contains("remove member 2")
        .contains("ScaledDown")
        .contains("autoscaling stopped; the journal is consistent")
        .doesNotContain("Exception");
    assertThat(dir.resolve("state").resolve("operation.json")).doesNotExist();
    JsonNode history =
        JSON.readTree(BallastCli.run("history", "-f", file.toString(), "-o", "json").out());
    List<String> autoOutcomes = new ArrayList<>();
    history.forEach(
        r -> {
          if (r.get("trigger").asText().equals("AUTO") && r.get("to").asInt() == 2) {
            autoOutcomes.add(r.get("outcome").asText());
          }
        });
    assertThat(autoOutcomes).contains("SUCCEEDED");
  }

  @Test
  void exitsZeroOnSigintAfterStoppingTheLoop() throws Exception {
    // given: a running loop over 2 idle members
    file = dir.resolve("int.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: interrupted
        spec:
          stateDir: state
          replicas: 2
          minReplicas: 2
          maxReplicas: 3
          member:
            kind: command
            command: [sleep, "600"]
            ports: [client]
          membership:
            type: none
          syncPeriod: 1s
          metrics:
            - type: Resource
              resource:
                name: cpu
                target:
                  type: Utilization
                  averageUtilization: 50
        """);
    assertThat(BallastCli.run("up", "-f", file.toString()).exitCode()).isZero();
    Path out = dir.resolve("run.out");
    // As from a terminal: SIGINT at its default disposition, even when this test runs in the
    // background of a shell, which makes its children ignore SIGINT (and Java keeps it ignored).
    List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT"));
    cmd.addAll(command("run", "-f", file.toString()));
    Process run =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> Files.readString(out, StandardCharsets.UTF_8).contains("desired"));

      // when: Ctrl-C, as a terminal sends it
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(run.waitFor(60, TimeUnit.SECONDS))
          .as("run exits after SIGINT: %s", Files.readString(out, StandardCharsets.UTF_8))
          .isTrue();

      // then: a graceful stop, exit 0 as its help says
      assertThat(run.exitValue()).as(Files.readString(out, StandardCharsets.UTF_8)).isZero();
      assertThat(Files.readString(out, StandardCharsets.UTF_8))
          .contains("autoscaling stopped; the journal is consistent");
    } finally {
      run.destroyForcibly();
    }
  }

  private int replicas() throws Exception {
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
      return w.runtime().members().size();
    }
  }

  private static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(BallastCli.javaCommand(List.of()));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
