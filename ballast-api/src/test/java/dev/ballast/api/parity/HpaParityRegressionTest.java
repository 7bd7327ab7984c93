package dev.ballast.api.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.SnapshotReader;
import dev.ballast.core.decide.DecisionEngine;
import dev.ballast.core.decide.model.Decision;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kept disagreements with Kubernetes' HorizontalController: every {@code hpa-parity/NAME.json}
 * snapshot must give the decision recorded in {@code NAME.expected.json} (what the v1.36.3
 * controller decided for it, see tools/hpa-oracle). Hand-picked cases and the cases the
 * differential test shrank both live there; this test needs no oracle binary.
 */
class HpaParityRegressionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path dir() throws URISyntaxException {
    return Path.of(HpaParityRegressionTest.class.getResource("/hpa-parity").toURI());
  }

  static Stream<String> cases() throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(dir())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json") && !n.endsWith(".expected.json"))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decidesAsKubernetesDid(String name) throws Exception {
    // given
    Path snapshot = dir().resolve(name + ".json");
    OracleVerdict kubernetes =
        OracleVerdict.of(JSON.readTree(dir().resolve(name + ".expected.json").toFile()));

    // when
    Decision ballast = new DecisionEngine().decide(new SnapshotReader().read(snapshot));

    // then
    List<String> differences = kubernetes.differences(ballast);
    assertEquals(List.of(), differences, name + " differs from Kubernetes");
  }

  @Test
  void keepsTheIssuesDisagreements() throws Exception {
    // given the cases the issue named must stay among the regression snapshots
    List<String> names = cases().toList();

    // then
    for (String required :
        List.of(
            "container-missing-from-pod-metrics",
            "invalid-selector-missing",
            "invalid-selector-unparsable",
            "legacy-zero-window-scales-down-at-once")) {
      assertTrue(names.contains(required), required + " is missing from hpa-parity/");
    }
  }
}
