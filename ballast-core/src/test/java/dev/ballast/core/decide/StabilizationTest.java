package dev.ballast.core.decide;

import static dev.ballast.core.decide.TestPods.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.core.decide.model.Recommendation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stabilization windows, restated from the HPA controller's normalization tests: the legacy
 * downscale window and the behavior windows in both directions, and how samples are recorded.
 */
class StabilizationTest {

  /** One row of the behavior windows: memory, proposal, windows, expected recommendation. */
  record Case(
      String name,
      List<Recommendation> recs,
      int current,
      int proposal,
      int upWindow,
      int downWindow,
      int expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static List<Recommendation> recs(int... agoAndReplicas) {
    List<Recommendation> out = new ArrayList<>();
    for (int i = 0; i < agoAndReplicas.length; i += 2) {
      out.add(new Recommendation(NOW.minusSeconds(agoAndReplicas[i]), agoAndReplicas[i + 1]));
    }
    return out;
  }

  static Stream<Case> behaviorCases() {
    return Stream.of(
        new Case("no memory: the proposal stands (up)", List.of(), 5, 8, 0, 300, 8),
        new Case("no memory: the proposal stands (down)", List.of(), 5, 2, 0, 0, 2),
        new Case(
            "scale-down is held at the highest recommendation in the window",
            recs(100, 7, 200, 6),
            7,
            3,
            0,
            300,
            7),
        new Case(
            "recommendations older than the down window are ignored",
            recs(400, 7, 200, 5),
            7,
            3,
            0,
            300,
            5),
        new Case(
            "scale-up goes at most to the lowest recommendation in the up window",
            recs(30, 4, 90, 2),
            3,
            9,
            60,
            0,
            4),
        new Case("the up window ignores older samples", recs(90, 2), 3, 9, 60, 0, 9),
        new Case(
            "never below current on the way up when the window says less",
            recs(30, 1),
            3,
            9,
            60,
            0,
            3),
        new Case(
            "a sample exactly at the window start is outside it", recs(300, 9), 7, 3, 0, 300, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("behaviorCases")
  void behaviorWindowsBoundTheRecommendation(Case c) {
    // when
    Stabilization.Result r =
        Stabilization.withBehavior(
            c.recs(), c.current(), c.proposal(), NOW, c.upWindow(), c.downWindow());

    // then
    assertEquals(c.expected(), r.recommendation());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("legacyCases")
  void legacyWindowTakesTheHighestRecentRecommendation(
      String name, List<Recommendation> recs, int proposal, int expected) {
    // when
    Stabilization.Result r = Stabilization.legacy(recs, proposal, NOW, Duration.ofMinutes(5));

    // then
    assertEquals(expected, r.recommendation());
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> legacyCases() {
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("no memory", List.of(), 3, 3),
        org.junit.jupiter.params.provider.Arguments.of(
            "a higher recent recommendation holds", recs(60, 6), 3, 6),
        org.junit.jupiter.params.provider.Arguments.of("an old one does not", recs(301, 6), 3, 3),
        org.junit.jupiter.params.provider.Arguments.of(
            "a scale-up is never lowered", recs(60, 2), 8, 8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordingCases")
  void recordsTheProposalReplacingTheLastSampleOutsideEveryWindow(
      String name, List<Recommendation> recs, List<Recommendation> expected) {
    // when
    Stabilization.Result r = Stabilization.withBehavior(recs, 5, 4, NOW, 60, 120);

    // then
    assertEquals(expected, r.recommendations());
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> recordingCases() {
    Recommendation fresh = new Recommendation(NOW, 4);
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(
            "appends when every sample is inside a window",
            recs(30, 5),
            List.of(new Recommendation(NOW.minusSeconds(30), 5), fresh)),
        org.junit.jupiter.params.provider.Arguments.of(
            "a sample inside the longer window is kept",
            recs(90, 5),
            List.of(new Recommendation(NOW.minusSeconds(90), 5), fresh)),
        org.junit.jupiter.params.provider.Arguments.of(
            "replaces the last sample outside both windows",
            recs(500, 1, 30, 5, 400, 2),
            List.of(
                new Recommendation(NOW.minusSeconds(500), 1),
                new Recommendation(NOW.minusSeconds(30), 5),
                fresh)));
  }

  /** A row of the HPA's behavior stabilization table, with the memory after recording. */
  record Row(
      String name,
      List<Recommendation> recs,
      int current,
      int proposal,
      int upWindow,
      int downWindow,
      int expected,
      List<Integer> memoryAfter) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> hpaRows() {
    return Stream.of(
        new Row("empty memory, scale-down", List.of(), 100, 5, 0, 0, 5, List.of(5)),
        new Row(
            "simple scale-down stabilization",
            recs(120, 4, 60, 5),
            100,
            3,
            0,
            180,
            5,
            List.of(4, 5, 3)),
        new Row(
            "simple scale-up stabilization",
            recs(120, 4, 60, 5),
            1,
            7,
            300,
            0,
            4,
            List.of(4, 5, 7)),
        new Row(
            "no scale-down stabilization",
            recs(120, 1, 60, 2),
            100,
            3,
            300,
            0,
            3,
            List.of(1, 2, 3)),
        new Row(
            "no scale-up stabilization", recs(120, 4, 60, 5), 1, 3, 0, 300, 3, List.of(4, 5, 3)),
        new Row(
            "scale-down reuses the last obsolete element",
            recs(600, 10, 540, 9),
            100,
            3,
            0,
            0,
            3,
            List.of(10, 3)),
        new Row(
            "scale-up reuses the last obsolete element",
            recs(600, 10, 540, 9),
            1,
            100,
            0,
            0,
            100,
            List.of(10, 100)),
        new Row(
            "scale-down stabilization reuses one of two obsolete elements",
            recs(600, 10, 60, 4, 120, 5, 540, 9),
            100,
            3,
            0,
            180,
            5,
            List.of(10, 4, 5, 3)),
        new Row(
            "scale-up stabilization reuses the only element obsolete for both windows",
            recs(6000, 10, 60, 6, 120, 5, 180, 9),
            1,
            100,
            300,
            0,
            5,
            List.of(100, 6, 5, 9)),
        new Row(
            "both windows: no scale-up when the proposal goes down",
            recs(6000, 2, 180, 3),
            2,
            1,
            300,
            300,
            2,
            List.of(1, 3)),
        new Row(
            "both windows: no scale-down when the proposal goes up",
            recs(6000, 2, 180, 1),
            2,
            3,
            300,
            300,
            2,
            List.of(3, 1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hpaRows")
  void matchesTheHpaStabilizationTable(Row r) {
    // when
    Stabilization.Result result =
        Stabilization.withBehavior(
            r.recs(), r.current(), r.proposal(), NOW, r.upWindow(), r.downWindow());

    // then
    assertEquals(r.expected(), result.recommendation());
    assertEquals(
        r.memoryAfter(), result.recommendations().stream().map(Recommendation::replicas).toList());
  }
}
