package dev.ballast.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.core.predict.ForecastGateSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PolicyReaderTest {
  private static final Path EXAMPLES = Path.of("..", "examples", "policies");

  @Test
  void readsEveryExamplePolicyAndModel() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(EXAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(5);
    for (Path f : files) {
      if (f.getParent().getFileName().toString().equals("models")) {
        assertThat(PolicyReader.readModel(f).joinTime()).isPositive();
      } else {
        assertThat(PolicyReader.readPolicy(f).name()).isNotBlank();
      }
    }
  }

  @Test
  void readsEveryField() {
    SimPolicy p =
        PolicyReader.parsePolicy(
            "p.yaml",
            "p",
            """
            name: zk
            minReplicas: 3
            maxReplicas: 9
            allowedReplicas: [3, 5, 7, 9]
            quorumGuard: Majority
            target: {metric: load, averageValue: 250.5}
            tolerance: 0.05
            behavior:
              scaleUp: {stabilizationWindowSeconds: 30}
              scaleDown:
                selectPolicy: Min
                policies: [{type: Pods, value: 1, periodSeconds: 120}]
            prediction: {enabled: true, season: 12h, defaultJoinTime: 10m}
            workload: {capacityPerMember: 100, joinTime: 10m, drainTime: 2m}
            """);
    assertThat(p.name()).isEqualTo("zk");
    assertThat(p.scaling().allowedReplicas()).containsExactly(3, 5, 7, 9);
    assertThat(p.scaling().quorumGuard()).isEqualTo(QuorumGuard.MAJORITY);
    assertThat(p.target().averageValue()).isEqualTo(250.5);
    assertThat(p.controller().tolerance()).isEqualTo(0.05);
    assertThat(p.behavior().scaleUp().stabilizationWindowSeconds()).isEqualTo(30);
    assertThat(p.behavior().scaleDown().policies()).hasSize(1);
    assertThat(p.prediction().enabled()).isTrue();
    assertThat(p.prediction().season()).isEqualTo(Duration.ofHours(12));
    assertThat(p.prediction().defaultJoinTime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.workload().capacityPerMember()).isEqualTo(100.0);
    assertThat(p.workload().drainTime()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void showsAKeyWithALineBreakOnOneLine() {
    // given: a JSON key holding a line break (found by SimulatorInputFuzzTest)
    String policy = "{\"s0\\n\\n1700000180,7.s\": 1, \"maxReplicas\": 3}";

    // when / then: every problem is one line, the break written as \\n
    assertThatThrownBy(() -> PolicyReader.parsePolicy("p.yaml", "p", policy))
        .isInstanceOfSatisfying(
            InputException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(m -> assertThat(m).startsWith("p.yaml: s0\\n\\n1700000180,7.s: "))
                    .allSatisfy(m -> assertThat(m).doesNotContain("\n")));
  }

  @Test
  void refusesADurationBeyondALongNamingTheField() {
    // given: more seconds than a long holds (found by SimulatorInputFuzzTest)
    String model = "joinTime: 1m\ndrainTime: 55555555555555555555555555555555510\n";

    // when / then: the reader's own refusal naming the field, not a NumberFormatException
    assertThatThrownBy(() -> PolicyReader.parseModel("m.yaml", model))
        .isInstanceOfSatisfying(
            InputException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        m -> assertThat(m).startsWith("m.yaml: drainTime: must be a duration")));
  }

  @Test
  void reportsEveryProblemWithItsFieldPath() {
    assertThatThrownBy(
            () ->
                PolicyReader.parsePolicy(
                    "p.yaml",
                    "p",
                    """
                    minReplicas: -1
                    target: {metric: qps, averageUtilization: 50}
                    behavior: {scaleDown: {policies: [{type: Nodes, value: 1, periodSeconds: 60}]}}
                    prediction: {season: 1x}
                    workload: {joinTime: soon, colour: red}
                    """))
        .isInstanceOfSatisfying(
            InputException.class,
            e ->
                assertThat(e.problems())
                    .contains(
                        "p.yaml: minReplicas: must be an integer >= 0, was -1",
                        "p.yaml: maxReplicas: is required (the largest size the autoscaler may"
                            + " choose)",
                        "p.yaml: target.metric: averageUtilization needs a resource (cpu or"
                            + " memory), was 'qps'; use averageValue for another metric",
                        "p.yaml: behavior.scaleDown.policies[0].type: must be Pods or Percent, was"
                            + " 'Nodes'",
                        "p.yaml: prediction.season: must be a duration such as 15s, 2m, 1h30m or"
                            + " 24h, was '1x'",
                        "p.yaml: workload.joinTime: must be a duration such as 15s, 2m, 1h30m or"
                            + " 24h, was 'soon'")
                    .anyMatch(s -> s.startsWith("p.yaml: workload.colour: unknown field")));
  }

  @Test
  void readsTheGateWithResumeAccuracyAboveMinAccuracyByDefault() {
    // when
    SimPolicy p =
        PolicyReader.parsePolicy(
            "p.yaml",
            "p",
            "maxReplicas: 3\ntarget: {averageUtilization: 50}\n"
                + "prediction: {gate: {minAccuracy: 0.4, memory: 60}}\n");
    // then
    assertThat(p.prediction().gate()).isEqualTo(new ForecastGateSettings(0.4, 0.55, 60));
    // and without a gate section, the defaults
    SimPolicy d =
        PolicyReader.parsePolicy(
            "p.yaml", "p", "maxReplicas: 3\ntarget: {averageUtilization: 50}\nprediction: {}\n");
    assertThat(d.prediction().gate()).isEqualTo(ForecastGateSettings.defaults());
  }

  @Test
  void reportsEveryGateProblemWithItsFieldPath() {
    assertThatThrownBy(
            () ->
                PolicyReader.parsePolicy(
                    "p.yaml",
                    "p",
                    "maxReplicas: 3\ntarget: {averageUtilization: 50}\n"
                        + "prediction: {gate: {minAccuracy: 0.6, resumeAccuracy: 0.5, memory: 0,"
                        + " trust: always}}\n"))
        .isInstanceOfSatisfying(
            InputException.class,
            e ->
                assertThat(e.problems())
                    .contains("p.yaml: prediction.gate.memory: must be an integer >= 1, was 0")
                    .anyMatch(s -> s.startsWith("p.yaml: prediction.gate.trust: unknown field")));
    assertThatThrownBy(
            () ->
                PolicyReader.parsePolicy(
                    "p.yaml",
                    "p",
                    "maxReplicas: 3\ntarget: {averageUtilization: 50}\n"
                        + "prediction: {gate: {minAccuracy: 0.6, resumeAccuracy: 0.5}}\n"))
        .hasMessageContaining(
            "prediction.gate.resumeAccuracy: must be in minAccuracy (0.6)..1, was 0.5");
  }

  @Test
  void baselineNamesAreReserved() {
    assertThatThrownBy(
            () ->
                PolicyReader.parsePolicy(
                    "p.yaml", "p", "name: hpa\nmaxReplicas: 3\ntarget: {averageUtilization: 50}\n"))
        .hasMessageContaining("name: 'hpa' is reserved for a baseline");
  }
}
