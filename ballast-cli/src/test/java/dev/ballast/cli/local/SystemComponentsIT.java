package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two components of one system in one file (the storage runbook's meta and chunk servers), each
 * with its own bounds and membership, as real processes: one component changes at a time; a command
 * for the other waits and says why, and an interrupted operation of one keeps the other from
 * changing until it is resumed.
 */
class SystemComponentsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private Path file;
  private boolean broughtUp;

  @AfterEach
  void down() throws Exception {
    if (file == null) {
      return;
    }
    for (String component : List.of("meta", "chunk")) {
      if (broughtUp) {
        BallastCli.run("down", "-f", file.toString(), "--component", component, "--purge");
      }
      try (LocalWiring w =
          LocalWiring.readOnly(ClusterFile.load(file, component), Clock.systemUTC())) {
        assertThat(w.runtime().clusterProcesses()).as("processes left behind").isEmpty();
      }
    }
  }

  /** Both components up, at 3 members each; each meta member's join hook runs {@code join}. */
  private Path upSystem(String join) throws Exception {
    file = writeSystem(join);
    broughtUp = true;
    for (String component : List.of("meta", "chunk")) {
      BallastCli.Result up = BallastCli.run("up", "-f", file.toString(), "--component", component);
      assertThat(up.exitCode()).as(up.toString()).isZero();
    }
    return file;
  }

  private Path writeSystem(String join) throws Exception {
    Path script = Path.of("src", "test", "resources", "peer-node.py").toAbsolutePath();
    String member =
        """
              member:
                kind: command
                command: ["python3", "%s", "{port:http}", "{host}", "none"]
                ports: [http]
        """
            .formatted(script);
    Path f = dir.resolve("storage.yaml");
    Files.writeString(
        f,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: storage
        spec:
          stateDir: state
          components:
            - name: meta
              replicas: 3
              minReplicas: 3
              maxReplicas: 5
              allowedReplicas: [3, 5]
        %s
              membership:
                type: hooks
                memberId: "{host}:{port:http}"
                health:
                  http: {url: "http://{host}:{port:http}/health"}
                hooks:
                  join:
                    - exec: %s
              scaleDown: {policy: Allowed, dataPolicy: Delete}
            - name: chunk
              replicas: 3
              minReplicas: 3
              maxReplicas: 255
        %s
              membership:
                type: none
              scaleDown: {policy: Allowed, dataPolicy: Delete}
        """
            .formatted(member, join, member));
    return f;
  }

  @Test
  void oneComponentChangesAtATimeTheOtherWaitsAndSaysWhy() throws Exception {
    // given meta (sizes 3 or 5) and chunk (3..255) servers of one system, both up
    String f = upSystem("[\"sleep\", \"2\"]").toString();

    // when meta is asked for 4: its own allowed sizes refuse it, chunk's bounds do not matter
    BallastCli.Result four =
        BallastCli.run("scale", "-f", f, "--component", "meta", "--replicas", "4");
    assertThat(four.exitCode()).as(four.toString()).isEqualTo(3);
    assertThat(four.err()).contains("4 is not an allowed size");

    // when meta grows to 5 (two adds, each join takes 2 s) and chunk is asked for 4 meanwhile
    CompletableFuture<BallastCli.Result> meta =
        CompletableFuture.supplyAsync(
            () -> BallastCli.run("scale", "-f", f, "--component", "meta", "--replicas", "5"));
    Path metaJournal = dir.resolve("state/meta/operation.json");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> inFlight(metaJournal));
    BallastCli.Result chunk =
        BallastCli.run("scale", "-f", f, "--component", "chunk", "--replicas", "4");

    // then chunk waited for meta, said why, and both ended at their size
    BallastCli.Result metaResult = meta.get();
    assertThat(metaResult.exitCode()).as(metaResult.toString()).isZero();
    assertThat(chunk.exitCode()).as(chunk.toString()).isZero();
    assertThat(chunk.err())
        .contains("waiting: component meta has an operation in flight")
        .contains("components of one system change one at a time");
    // and no chunk record is older than meta's last: the two operations never overlapped
    List<Instant> metaTimes = times(dir.resolve("state/meta/history.jsonl"));
    List<Instant> chunkTimes = times(dir.resolve("state/chunk/history.jsonl"));
    Instant metaLast = metaTimes.stream().max(Instant::compareTo).orElseThrow();
    Instant chunkFirstScale = chunkTimes.stream().min(Instant::compareTo).orElseThrow();
    assertThat(chunkFirstScale).isAfterOrEqualTo(metaLast);
    assertThat(members(file, "meta")).isEqualTo(5);
    assertThat(members(file, "chunk")).isEqualTo(4);
  }

  @Test
  void anInterruptedOperationOfOneComponentKeepsTheOtherFromChangingUntilResumed()
      throws Exception {
    // given both components up (a join that takes no time: nothing here races it), and a meta
    // scale killed right after its JOIN was journaled
    String f = upSystem("[\"true\"]").toString();
    BallastCli.Result killed =
        BallastCli.killedAt("0:JOIN", "scale", "-f", f, "--component", "meta", "--replicas", "5");
    assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(137);

    // when chunk is asked to change
    BallastCli.Result refused =
        BallastCli.run("scale", "-f", f, "--component", "chunk", "--replicas", "4");

    // then it is refused, naming meta's operation and the way out, and chunk did not change
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
    assertThat(refused.err())
        .contains("component meta has an operation in flight")
        .contains("--component meta");
    assertThat(members(file, "chunk")).isEqualTo(3);

    // when meta's operation is resumed, chunk may change
    BallastCli.Result resumed = BallastCli.run("resume", "-f", f, "--component", "meta");
    assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
    BallastCli.Result chunk =
        BallastCli.run("scale", "-f", f, "--component", "chunk", "--replicas", "4");
    assertThat(chunk.exitCode()).as(chunk.toString()).isZero();
    assertThat(members(file, "chunk")).isEqualTo(4);
  }

  @Test
  void aFileWithComponentsNeedsOneNamed() throws Exception {
    // given a file that was never brought up (nothing to bring down after the test)
    file = writeSystem("[\"true\"]");

    // when
    BallastCli.Result status = BallastCli.run("status", "-f", file.toString());

    // then one line names the field and the components to choose from
    assertThat(status.exitCode()).isEqualTo(2);
    assertThat(status.err())
        .contains("--component: is required")
        .contains("meta, chunk")
        .doesNotContain("Exception");
  }

  private static boolean inFlight(Path journal) {
    try {
      return Files.exists(journal)
          && JSON.readTree(journal.toFile()).path("outcome").asText().equals("IN_PROGRESS");
    } catch (Exception e) {
      return false;
    }
  }

  private static int members(Path f, String component) throws Exception {
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(f, component), Clock.systemUTC())) {
      return w.runtime().members().size();
    }
  }

  private static List<Instant> times(Path history) throws Exception {
    List<Instant> out = new ArrayList<>();
    for (String line : Files.readAllLines(history)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode time = JSON.readTree(line).path("time");
      out.add(
          time.isNumber()
              ? Instant.ofEpochSecond(
                  time.decimalValue().longValue(),
                  time.decimalValue().remainder(BigDecimal.ONE).movePointRight(9).longValue())
              : Instant.parse(time.asText()));
    }
    return out;
  }
}
