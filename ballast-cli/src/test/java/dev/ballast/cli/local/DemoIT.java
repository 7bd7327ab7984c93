package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.report.testing.HeadlessBrowser;
import dev.ballast.report.testing.SelfContained;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ballast demo} end to end, as a user runs it: a real ZooKeeper ensemble grows 3 → 5 under
 * load and shrinks back, no acknowledged write is lost, nothing is left running, and the report
 * renders with its charts in headless Chromium.
 */
class DemoIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void autoscalesARealEnsembleUpAndBackDownWithoutLosingAWrite() throws Exception {
    // given
    Path state = dir.resolve("demo");
    Path summaryFile = dir.resolve("summary.json");

    // when: a shortened story (the default is 140 s of load)
    BallastCli.Result run =
        BallastCli.run(
            List.of(),
            Duration.ofMinutes(6),
            "demo",
            "--state-dir",
            state.toString(),
            "--duration",
            "100s",
            "--summary-json",
            summaryFile.toString());

    // then: exit 0 only when the invariants held
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("invariants held").contains("ScaledUp").contains("ScaledDown");
    JsonNode s = JSON.readTree(summaryFile.toFile());
    assertThat(s.fieldNames())
        .toIterable()
        .contains(
            "initialReplicas",
            "peakReplicas",
            "finalReplicas",
            "replicaPath",
            "operations",
            "writesAcknowledged",
            "writesLost",
            "secondsWithoutQuorum",
            "maxConcurrentRemovals",
            "invariantsHeld");
    assertThat(s.get("initialReplicas").asInt()).isEqualTo(3);
    assertThat(s.get("peakReplicas").asInt()).isEqualTo(5);
    assertThat(s.get("finalReplicas").asInt()).isEqualTo(3);
    assertThat(ints(s.get("replicaPath"))).containsExactly(3, 4, 5, 4, 3);
    assertThat(s.get("writesAcknowledged").asLong()).isPositive();
    assertThat(s.get("writesLost").asLong()).isZero();
    assertThat(s.get("secondsWithoutQuorum").asDouble()).isZero();
    assertThat(s.get("maxConcurrentRemovals").asInt()).isEqualTo(1);
    assertThat(s.get("invariantsHeld").asBoolean()).isTrue();
    JsonNode ops = s.get("operations");
    assertThat(ops).hasSize(2);
    assertThat(ops.get(0).get("from").asInt()).isEqualTo(3);
    assertThat(ops.get(0).get("to").asInt()).isEqualTo(5);
    assertThat(ops.get(0).get("trigger").asText()).isEqualTo("AUTO");
    assertThat(ops.get(0).get("outcome").asText()).isEqualTo("ScaledUp");
    assertThat(ops.get(0).get("durationSeconds").asDouble()).isPositive();
    assertThat(ops.get(1).get("outcome").asText()).isEqualTo("ScaledDown");

    // then: nothing of the demo is left running (every member carries its state dir in its command)
    assertThat(processesMentioning(state)).isEmpty();

    // then: the report is one self-contained page whose charts are drawn
    Path report = state.resolve("report.html");
    assertThat(SelfContained.externalReferences(Files.readString(report))).isEmpty();
    HeadlessBrowser.Rendering rendering =
        HeadlessBrowser.locate().render(report, dir.resolve("report.png"));
    assertThat(rendering.allChartsDrawn()).as(rendering.dom()).isTrue();
    assertThat(rendering.chartsDrawn()).isEqualTo(3);
    assertThat(rendering.pointsDrawn()).isPositive();
    assertThat(rendering.inkRatio()).isGreaterThan(0.02);
  }

  @Test
  void scalesARealEtcdClusterThreeToFiveToThreeUnderWritesCheckingEachChangeWithEtcd()
      throws Exception {
    // given
    Path state = dir.resolve("demo-etcd");

    // when
    BallastCli.Result run =
        BallastCli.run(
            List.of(),
            Duration.ofMinutes(6),
            "demo",
            "--system",
            "etcd",
            "--state-dir",
            state.toString());

    // then: exit 0 only when every check held; each change was checked by etcd itself
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("scaled up from 3 to 5 members", "scaled down from 5 to 3 members")
        .contains("checked by etcd: 5 voting members, healthy endpoints [member-0")
        .contains("checked by etcd: 3 voting members, healthy endpoints [member-0")
        .contains("replica path: [3, 5, 3]")
        .contains("invariants held")
        .doesNotContain("PROBLEMS")
        .containsPattern("writes acknowledged [1-9][0-9]*, lost 0");

    // then: nothing of the demo is left running
    assertThat(processesMentioning(state)).isEmpty();
  }

  @Test
  void refusesAStateDirectoryThatIsNotADemosWithExitCode2() throws Exception {
    // given: a directory with someone's files
    Path other = Files.createDirectories(dir.resolve("precious"));
    Files.writeString(other.resolve("notes.txt"), "keep me");

    // when
    BallastCli.Result run = BallastCli.run("demo", "--state-dir", other.toString());

    // then: refused before anything starts, nothing touched
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("--state-dir").doesNotContain("Exception").hasLineCount(1);
    assertThat(Files.readString(other.resolve("notes.txt"))).isEqualTo("keep me");
  }

  @Test
  void rejectsAMalformedDurationNamingTheOption() {
    // when
    BallastCli.Result run = BallastCli.run("demo", "--duration", "soon");

    // then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--duration").contains("soon").doesNotContain("Exception");
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asInt()));
    return out;
  }

  /** The processes whose command line names {@code state} (every member carries its state dir). */
  private static List<String> processesMentioning(Path state) {
    List<String> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              Optional<String> cmd = p.info().commandLine();
              if (cmd.isPresent() && cmd.get().contains(state.toString())) {
                found.add(p.pid() + " " + cmd.get());
              }
            });
    return found;
  }
}
