package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.core.vertical.VerticalRecommender;
import dev.ballast.core.vertical.VerticalSettings;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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
          verticalAdvice:
            minMemory: 200Mi
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
    // an idle member gets the minimums: the defaults', but the file's minMemory
    VerticalSettings fromFile = ClusterFile.load(file).verticalAdvice().orElseThrow();
    assertThat(fromFile.minMemoryBytes()).isEqualTo(200 * MIB);
    VerticalRecommender.Advice floor = idleAdvice(fromFile);
    assertThat(idle.path("cpu").path("targetMilli").asLong())
        .isEqualTo(Math.round(floor.cpu().target() * 1000));
    assertThat(idle.path("memory").path("targetBytes").asDouble())
        .isEqualTo(Math.round(floor.memory().target()));
    assertThat(tree.path("all").path("samples").asInt()).isGreaterThanOrEqualTo(18);

    // when: the flags override the file and the defaults
    BallastCli.Result flagged =
        BallastCli.run(
            "recommend",
            "--vertical",
            "-f",
            f,
            "--duration",
            "2s",
            "--interval",
            "500ms",
            "-o",
            "json",
            "--target-percentile",
            "0.6",
            "--lower-percentile",
            "0.3",
            "--upper-percentile",
            "0.99",
            "--safety-margin",
            "0.5",
            "--min-cpu",
            "40m",
            "--min-memory",
            "64Mi",
            "--half-life",
            "1h");

    // then: the advice is the core recommender's for those settings
    assertThat(flagged.exitCode()).as(flagged.toString()).isZero();
    JsonNode t = JSON.readTree(flagged.out());
    VerticalSettings given =
        new VerticalSettings(0.6, 0.3, 0.99, 0.5, 0.04, 64 * MIB, java.time.Duration.ofHours(1));
    assertThat(t.path("settings").path("targetPercentile").asDouble()).isEqualTo(0.6);
    assertThat(t.path("settings").path("lowerPercentile").asDouble()).isEqualTo(0.3);
    assertThat(t.path("settings").path("upperPercentile").asDouble()).isEqualTo(0.99);
    assertThat(t.path("settings").path("safetyMargin").asDouble()).isEqualTo(0.5);
    assertThat(t.path("settings").path("halfLifeSeconds").asLong()).isEqualTo(3600);
    assertThat(t.path("settings").path("minCpuMilli").asLong()).isEqualTo(40);
    assertThat(t.path("settings").path("minMemoryBytes").asLong()).isEqualTo(64 * 1024 * 1024);
    VerticalRecommender.Advice newFloor = idleAdvice(given);
    JsonNode idleNow = t.path("members").get(1);
    assertThat(idleNow.path("cpu").path("targetMilli").asLong())
        .isEqualTo(Math.round(newFloor.cpu().target() * 1000))
        .isNotEqualTo(idle.path("cpu").path("targetMilli").asLong());
    assertThat(idleNow.path("memory").path("targetBytes").asDouble())
        .isEqualTo(Math.round(newFloor.memory().target()))
        .isNotEqualTo(idle.path("memory").path("targetBytes").asDouble());
    // the busy member's held memory, as the first run saw it (its median over the margin), gives
    // the core's target under the new margin; the two runs sample separately: within 10%
    double held = busy.path("memory").path("lowerBytes").asDouble() / 1.15;
    double expected =
        new VerticalRecommender(given)
            .recommend(List.of(new VerticalRecommender.Sample(0, Instant.now(), 1.0, held)))
            .all()
            .memory()
            .target();
    assertThat(t.path("members").get(0).path("memory").path("targetBytes").asDouble())
        .isCloseTo(expected, withinPercentage(10));
    JsonNode status = JSON.readTree(BallastCli.run("status", "-f", f, "-o", "json").out());
    assertThat(status.path("replicas").asInt()).isEqualTo(3);
  }

  /** The core's advice for a member that uses nothing: the settings' minimums. */
  private static VerticalRecommender.Advice idleAdvice(VerticalSettings settings) {
    return new VerticalRecommender(settings)
        .recommend(List.of(new VerticalRecommender.Sample(1, Instant.now(), 0.0, 1.0)))
        .all();
  }

  @Test
  void aBadVerticalFlagIsABadUsageInOneLineNamingTheFlag() throws Exception {
    // given a cluster file (nothing needs to run: the flags are checked first)
    Path f = dir.resolve("idle.yaml");
    Files.writeString(
        f,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: idle
        spec:
          stateDir: state
          replicas: 1
          maxReplicas: 3
          member:
            kind: command
            command: ["sleep", "60"]
          membership:
            type: none
        """);

    // when
    BallastCli.Result range =
        BallastCli.run("recommend", "--vertical", "-f", f.toString(), "--target-percentile", "1.5");
    BallastCli.Result order =
        BallastCli.run("recommend", "--vertical", "-f", f.toString(), "--lower-percentile", "0.95");
    BallastCli.Result quantity =
        BallastCli.run("recommend", "--vertical", "-f", f.toString(), "--min-cpu", "lots");
    Files.writeString(f, Files.readString(f) + "  verticalAdvice: {enabled: false}\n");
    BallastCli.Result off = BallastCli.run("recommend", "--vertical", "-f", f.toString());

    // then
    assertThat(range.exitCode()).isEqualTo(2);
    assertThat(range.err().strip())
        .isEqualTo("ballast: --target-percentile: must be in (0, 1], was 1.5; e.g. 0.9");
    assertThat(order.exitCode()).isEqualTo(2);
    assertThat(order.err().strip())
        .isEqualTo("ballast: --lower-percentile: 0.95 is above targetPercentile 0.9; lower it");
    assertThat(quantity.exitCode()).isEqualTo(2);
    assertThat(quantity.err().strip()).startsWith("ballast: --min-cpu: ").doesNotContain("\n");
    assertThat(off.exitCode()).isEqualTo(2);
    assertThat(off.err().strip())
        .isEqualTo(
            "ballast: -f: spec.verticalAdvice.enabled is false in idle.yaml; set it to true or"
                + " remove it to get vertical advice");
  }

  @Test
  void verticalWithoutAClusterFileIsABadUsageNamingTheOption() {
    BallastCli.Result r = BallastCli.run("recommend", "--vertical");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--vertical: give the running cluster with -f FILE");
  }
}
