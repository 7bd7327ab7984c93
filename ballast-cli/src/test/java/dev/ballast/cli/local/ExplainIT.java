package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ballast explain -f} on a running cluster of idle {@code sleep} processes whose forecast
 * file says the load is high: the reactive proposal (idle CPU) and the predictive one (the
 * forecast) side by side, and nothing changed by looking.
 */
class ExplainIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path file;

  @AfterEach
  void down() throws Exception {
    if (file != null && Files.exists(file)) {
      BallastCli.run("down", "-f", file.toString(), "--purge");
    }
  }

  @Test
  void showsReactiveAndPredictiveProposalsWithoutChangingAnything() throws Exception {
    // given: 3 idle members, cpu target 50 % of one core, prediction on a 10-minute season, and
    // 15 minutes of observations of 2.2 cores in total in the forecast file
    file = dir.resolve("idle.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: explain-idle
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
          syncPeriod: 15s
          metrics:
            - type: Resource
              resource:
                name: cpu
                target:
                  type: Utilization
                  averageUtilization: 50
          prediction:
            enabled: true
            season: 10m
            sampleInterval: 1m
            defaultJoinTime: 2m
        """);
    assertThat(BallastCli.run("up", "-f", file.toString()).exitCode()).isZero();
    Path forecast = dir.resolve("state").resolve("forecast.jsonl");
    StringBuilder lines = new StringBuilder();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int m = 15; m >= 1; m--) {
      lines.append("{\"time\":\"").append(now.minusSeconds(60L * m)).append("\",\"load\":2.2}\n");
    }
    Files.writeString(forecast, lines);
    Path history = dir.resolve("state").resolve(LocalWiring.HISTORY_FILE);
    String historyBefore = Files.exists(history) ? Files.readString(history) : "";

    // when
    BallastCli.Result json =
        BallastCli.run("explain", "-f", file.toString(), "-o", "json", "--rate-interval", "1s");
    BallastCli.Result text =
        BallastCli.run("explain", "-f", file.toString(), "--rate-interval", "1s");

    // then: idle members → the HPA asks for the minimum; the forecast of 2.2 cores needs
    // ceil(2.2 / 0.5) = 5 members, which prediction proposes and which decides
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode tree = JSON.readTree(json.out());
    assertThat(tree.path("reactive").asInt()).isLessThan(5);
    JsonNode p = tree.path("prediction");
    assertThat(p.path("forecastPeak").asDouble()).isEqualTo(2.2);
    assertThat(p.path("targetPerMember").asDouble()).isEqualTo(0.5);
    assertThat(p.path("replicas").asInt()).isEqualTo(5);
    assertThat(p.path("horizonSeconds").asDouble()).isEqualTo(135.0);
    assertThat(p.path("joinTimeLearned").asBoolean()).isFalse();
    // a flat load has predicted no rise yet: the gate trusts the forecast with nothing scored
    assertThat(p.path("gate").path("trusted").asBoolean()).isTrue();
    assertThat(p.path("gate").path("accuracy").asDouble()).isEqualTo(1.0);
    assertThat(p.path("gate").path("resolvedClaims").asInt()).isZero();
    assertThat(p.path("gate").path("minAccuracy").asDouble()).isEqualTo(0.3);
    assertThat(tree.path("combined").path("source").asText()).isEqualTo("PREDICTIVE");
    assertThat(tree.path("desiredReplicas").asInt()).isEqualTo(5);
    assertThat(tree.path("rules").path("maxReplicas").asInt()).isEqualTo(5);
    assertThat(tree.path("hpa").path("explanation").toString()).contains("Resource cpu");

    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("Reactive and predictive proposals:")
        .contains("horizon = join time + syncPeriod = 2m + 15s = 135s")
        .contains("defaultJoinTime (0 of 3 add steps")
        .contains("members at the horizon = ceil((2.2 + 0) / 0.5) = 5")
        .contains("prediction decides")
        .contains("gate: trusted: accuracy 1.00, distrusted below 0.3 (0 predicted rises scored")
        .contains("Stateful rules: minReplicas 2, maxReplicas 5")
        .contains("Desired size: 3 → 5 (scale up)");

    // and looking changed nothing: same members, no operation, no history, same forecast file
    try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
      assertThat(w.runtime().members()).hasSize(3);
      assertThat(w.operations().load()).isEmpty();
    }
    assertThat(Files.exists(history) ? Files.readString(history) : "").isEqualTo(historyBefore);
    assertThat(Files.readString(forecast)).isEqualTo(lines.toString());
  }

  @Test
  void showsWhenTheGateNoLongerTrustsTheForecast() throws Exception {
    // given: the same idle members, a forecaster that follows the trend at once and a gate that
    // remembers about 5 predicted rises, and 20 minutes of a load jumping between 0.2 and 1.2
    // cores: after each jump up the trend forecasts a further rise that never comes
    file = dir.resolve("zigzag.yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: explain-zigzag
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
          syncPeriod: 15s
          metrics:
            - type: Resource
              resource:
                name: cpu
                target:
                  type: Utilization
                  averageUtilization: 50
          prediction:
            enabled: true
            season: 10m
            sampleInterval: 1m
            defaultJoinTime: 2m
            smoothing: {alpha: 0.9, beta: 0.9, gamma: 0.1, phi: 1}
            gate: {minAccuracy: 0.5, memory: 5}
        """);
    assertThat(BallastCli.run("up", "-f", file.toString()).exitCode()).isZero();
    StringBuilder lines = new StringBuilder();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int m = 20; m >= 1; m--) {
      double load = m % 2 == 0 ? 0.2 : 1.2;
      lines
          .append("{\"time\":\"")
          .append(now.minusSeconds(60L * m))
          .append("\",\"load\":")
          .append(load)
          .append("}\n");
    }
    Files.writeString(dir.resolve("state").resolve("forecast.jsonl"), lines);

    // when
    BallastCli.Result json =
        BallastCli.run("explain", "-f", file.toString(), "-o", "json", "--rate-interval", "1s");
    BallastCli.Result text =
        BallastCli.run("explain", "-f", file.toString(), "--rate-interval", "1s");

    // then: the rises the replayed forecasts predicted did not come, so the forecast is not
    // trusted and the reactive proposal decides alone
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode tree = JSON.readTree(json.out());
    JsonNode gate = tree.path("prediction").path("gate");
    assertThat(gate.path("trusted").asBoolean()).isFalse();
    assertThat(gate.path("resolvedClaims").asInt()).isPositive();
    assertThat(gate.path("accuracy").asDouble()).isLessThan(0.5);
    assertThat(gate.path("resumeAccuracy").asDouble()).isEqualTo(0.65);
    assertThat(tree.path("combined").isNull()).isTrue();
    assertThat(tree.path("desiredReplicas").asInt()).isEqualTo(tree.path("reactive").asInt());

    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("gate: not trusted: accuracy ")
        .contains("fell below 0.5, trusted again at 0.65")
        .contains("the reactive proposal decides alone")
        .contains("(reactive only: the gate does not trust the forecast)");
  }
}
