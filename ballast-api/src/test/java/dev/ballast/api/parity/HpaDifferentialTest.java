package dev.ballast.api.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.SnapshotReader;
import dev.ballast.core.decide.DecisionEngine;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.MetricResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Differential test against Kubernetes' own HorizontalController (v1.36.3, run by {@code
 * hpa-oracle} for one reconcile over fake clients): over 10,000 random valid snapshots, Ballast's
 * desired replicas, each metric's proposal and each condition's status and reason must be the
 * controller's, {@link DeliberateDifferences} aside. The seed is fixed so the build is repeatable;
 * a failure prints a fresh seed to explore further, and the shrunk failing snapshot is kept under
 * {@code src/test/resources/hpa-parity/} with the controller's answer, where {@link
 * HpaParityRegressionTest} replays it without the oracle. Needs {@code scripts/build-hpa-oracle}.
 */
class HpaDifferentialTest {
  static final String SEED = "20261206";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static HpaOracle oracle;
  private static ObjectNode lastFailing;
  private static JsonNode lastFailingAnswer;
  private static List<String> lastDifferences;

  @BeforeContainer
  static void startOracle() throws IOException {
    oracle = HpaOracle.start();
  }

  @AfterContainer
  static void stopOracle() throws IOException {
    if (oracle != null) {
      oracle.close();
    }
  }

  @Provide
  Arbitrary<List<Integer>> choices() {
    return Arbitraries.integers().between(0, 9999).list().ofMinSize(100).ofMaxSize(200);
  }

  @Property(tries = 10_000, seed = SEED, edgeCases = EdgeCasesMode.NONE)
  void decidesAsKubernetesDoes(@ForAll("choices") List<Integer> choices) throws IOException {
    // given
    ObjectNode snapshot = SnapshotGenerator.snapshot(choices);
    JsonNode answer = oracle.ask(snapshot);
    OracleVerdict kubernetes = OracleVerdict.of(answer);

    // when
    Decision ballast = new DecisionEngine().decide(new SnapshotReader().read(snapshot));

    // then
    List<String> all = kubernetes.differences(ballast);
    List<String> differences = DeliberateDifferences.without(all, snapshot);
    Statistics.label("deliberate differences")
        .collect(all.size() > differences.size() ? "division by zero (kept)" : "none");
    Statistics.label("ScalingActive")
        .collect(kubernetes.conditions().getOrDefault("ScalingActive", "none"));
    Statistics.label("direction")
        .collect(
            Integer.signum(ballast.desiredReplicas() - ballast.currentReplicas()) > 0
                ? "up"
                : ballast.desiredReplicas() < ballast.currentReplicas() ? "down" : "hold");
    for (MetricResult m : ballast.metrics()) {
      Statistics.label("metric")
          .collect(
              m.spec().type() + "/" + m.spec().target().type() + (m.isValid() ? "" : " (error)"));
    }
    if (!differences.isEmpty()) {
      lastFailing = snapshot;
      lastFailingAnswer = answer;
      lastDifferences = differences;
      throw new AssertionError("Ballast differs from Kubernetes: " + differences);
    }
  }

  /** Keeps the shrunk failing snapshot (the last one that failed) as a regression case. */
  @AfterProperty
  void keepShrunkFailure() throws IOException {
    if (lastFailing == null) {
      return;
    }
    String name = "found-" + Integer.toHexString(lastFailing.toString().hashCode());
    Path dir = Path.of("src", "test", "resources", "hpa-parity");
    if (Files.isDirectory(dir)) {
      Files.writeString(
          dir.resolve(name + ".json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(lastFailing) + "\n");
      Files.writeString(
          dir.resolve(name + ".expected.json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(lastFailingAnswer) + "\n");
    }
    System.err.printf(
        "HpaDifferentialTest: seed %s failed: %s%n  shrunk snapshot kept as %s/%s.json (with the"
            + " controller's answer in %s.expected.json)%n  after the fix, explore further with a"
            + " fresh seed: set HpaDifferentialTest.SEED to \"%d\"%n",
        SEED, lastDifferences, dir, name, name, new SecureRandom().nextLong() & Long.MAX_VALUE);
    lastFailing = null;
  }
}
