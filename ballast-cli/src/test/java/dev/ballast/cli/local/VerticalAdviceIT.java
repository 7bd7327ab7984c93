package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ballast recommend --vertical} on real processes: a member that holds 300 MiB and burns a
 * core, beside idle ones; the advice follows each one's usage and nothing is changed.
 */
class VerticalAdviceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double MIB = 1024 * 1024;
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
  void advisesEachMemberFromItsObservedCpuAndMemoryWithoutActing() throws Exception {
    // given member 0 busy (300 MiB held, a core burnt), members 1 and 2 nearly idle
    file = dir.resolve("chat.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: chat
        spec:
          stateDir: state
          replicas: 3
          maxReplicas: 7
          member:
            kind: command
            command: ["python3", "-c", "import time,sys\\nb=bytearray(300*1024*1024 if {ordinal}==0 else 1)\\nwhile True:\\n  if {ordinal}==0:\\n    sum(range(100000))\\n  else:\\n    time.sleep(1)"]
          membership:
            type: none
        """);
    String f = file.toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();

    // when
    BallastCli.Result r =
        BallastCli.run(
            "recommend",
            "--vertical",
            "-f",
            f,
            "--duration",
            "4s",
            "--interval",
            "500ms",
            "-o",
            "json");

    // then
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode tree = JSON.readTree(r.out());
    assertThat(tree.path("applied").asBoolean()).isFalse();
    JsonNode busy = tree.path("members").get(0);
    JsonNode idle = tree.path("members").get(1);
    assertThat(busy.path("samples").asInt()).isGreaterThanOrEqualTo(6);
    // a shared machine gives the busy loop less than a core: well above the idle minimum is enough
    assertThat(busy.path("cpu").path("targetMilli").asLong()).isGreaterThan(100);
    assertThat(busy.path("memory").path("targetBytes").asDouble()).isGreaterThan(300 * MIB * 1.15);
    assertThat(idle.path("cpu").path("targetMilli").asLong()).isEqualTo(25);
    assertThat(idle.path("memory").path("targetBytes").asDouble()).isEqualTo(250 * MIB);
    assertThat(tree.path("all").path("samples").asInt()).isGreaterThanOrEqualTo(18);
    JsonNode status = JSON.readTree(BallastCli.run("status", "-f", f, "-o", "json").out());
    assertThat(status.path("replicas").asInt()).isEqualTo(3);
  }

  @Test
  void verticalWithoutAClusterFileIsABadUsageNamingTheOption() {
    BallastCli.Result r = BallastCli.run("recommend", "--vertical");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--vertical: give the running cluster with -f FILE");
  }
}
