package dev.ballast.core.decide;

import static dev.ballast.core.decide.TestPods.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.core.decide.model.ScaleEvent;
import dev.ballast.core.decide.model.ScalingPolicy;
import dev.ballast.core.decide.model.ScalingRules;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rate limits, restated from the HPA controller's scaling-rules test table: policies measured from
 * the replica count at the start of their period, combined by Max, Min or Disabled.
 */
class RateLimitsTest {

  /** One row: the rules, past events, current replicas and the bound they allow. */
  record Case(
      String name,
      boolean up,
      int current,
      ScalingRules rules,
      List<ScaleEvent> ups,
      List<ScaleEvent> downs,
      int expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static ScalingRules rules(ScalingRules.SelectPolicy select, ScalingPolicy... policies) {
    return new ScalingRules(0, select, List.of(policies), null);
  }

  private static List<ScaleEvent> events(int... agoAndChange) {
    List<ScaleEvent> out = new java.util.ArrayList<>();
    for (int i = 0; i < agoAndChange.length; i += 2) {
      out.add(new ScaleEvent(NOW.minusSeconds(agoAndChange[i]), agoAndChange[i + 1]));
    }
    return out;
  }

  static Stream<Case> cases() {
    ScalingRules.SelectPolicy max = ScalingRules.SelectPolicy.MAX;
    ScalingRules.SelectPolicy min = ScalingRules.SelectPolicy.MIN;
    return Stream.of(
        new Case(
            "default scale-up from 10: max(10 + 4, 10 × 2) = 20",
            true,
            10,
            dev.ballast.core.decide.model.Behavior.DEFAULT_SCALE_UP,
            List.of(),
            List.of(),
            20),
        new Case(
            "a large pods policy beats the percent policy: 10 + 100 = 110",
            true,
            10,
            rules(max, ScalingPolicy.pods(100, 60), ScalingPolicy.percent(100, 60)),
            List.of(),
            List.of(),
            110),
        new Case(
            "Min select takes the smaller scale-up: min(10 + 4, 20) = 14",
            true,
            10,
            rules(min, ScalingPolicy.pods(4, 60), ScalingPolicy.percent(100, 60)),
            List.of(),
            List.of(),
            14),
        new Case(
            "a percent scale-up rounds up: ceil(3 × 1.1) = 4",
            true,
            3,
            rules(max, ScalingPolicy.percent(10, 60)),
            List.of(),
            List.of(),
            4),
        new Case(
            "scale-ups within the period count against it: start 15 − 5 = 10, + 4 = 14",
            true,
            15,
            rules(max, ScalingPolicy.pods(4, 60)),
            events(30, 5),
            List.of(),
            14),
        new Case(
            "scale-ups older than the period do not count: 15 + 4 = 19",
            true,
            15,
            rules(max, ScalingPolicy.pods(4, 60)),
            events(61, 5),
            List.of(),
            19),
        new Case(
            "an event exactly one period old is outside it (strictly newer counts)",
            true,
            15,
            rules(max, ScalingPolicy.pods(4, 60)),
            events(60, 5),
            List.of(),
            19),
        new Case(
            "scale-downs within the period raise the period start for a scale-up",
            true,
            10,
            rules(max, ScalingPolicy.pods(4, 60)),
            List.of(),
            events(10, 3),
            17),
        new Case(
            "Disabled scale-up allows nothing beyond current",
            true,
            10,
            rules(ScalingRules.SelectPolicy.DISABLED, ScalingPolicy.pods(4, 60)),
            List.of(),
            List.of(),
            10),
        new Case(
            "default scale-down allows 100% per 15 s: down to 0",
            false,
            10,
            dev.ballast.core.decide.model.Behavior.DEFAULT_SCALE_DOWN,
            List.of(),
            List.of(),
            0),
        new Case(
            "a 1% scale-down truncates: (int)(10 × 0.99) = 9",
            false, 10, rules(max, ScalingPolicy.percent(1, 60)), List.of(), List.of(), 9),
        new Case(
            "Max select takes the larger scale-down: min(10 − 2, (int)(10 × 0.5)) = 5",
            false,
            10,
            rules(max, ScalingPolicy.pods(2, 60), ScalingPolicy.percent(50, 60)),
            List.of(),
            List.of(),
            5),
        new Case(
            "Min select takes the smaller scale-down: max(8, 5) = 8",
            false,
            10,
            rules(min, ScalingPolicy.pods(2, 60), ScalingPolicy.percent(50, 60)),
            List.of(),
            List.of(),
            8),
        new Case(
            "scale-downs within the period count: start 10 + 2 = 12, − 3 = 9",
            false,
            10,
            rules(max, ScalingPolicy.pods(3, 60)),
            List.of(),
            events(20, 2),
            9),
        new Case(
            "Disabled scale-down allows nothing below current",
            false,
            10,
            rules(ScalingRules.SelectPolicy.DISABLED, ScalingPolicy.pods(3, 60)),
            List.of(),
            List.of(),
            10));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void boundsTheChangeAsTheHpaDoes(Case c) {
    // when
    RateLimits.Limit limit =
        c.up()
            ? RateLimits.scaleUpLimit(c.current(), c.ups(), c.downs(), c.rules(), NOW)
            : RateLimits.scaleDownLimit(c.current(), c.ups(), c.downs(), c.rules(), NOW);

    // then
    assertEquals(c.expected(), limit.value());
  }

  @Test
  void legacyScaleUpLimitIsTwiceCurrentButAtLeastFour() {
    assertEquals(4, RateLimits.legacyScaleUpLimit(1));
    assertEquals(4, RateLimits.legacyScaleUpLimit(2));
    assertEquals(6, RateLimits.legacyScaleUpLimit(3));
    assertEquals(200, RateLimits.legacyScaleUpLimit(100));
  }

  @Test
  void storingAnEventReplacesTheLastOutdatedOne() {
    // given: one event older than the longest period (60 s), one inside it
    List<ScaleEvent> events = events(120, 2, 30, 1);

    // when
    List<ScaleEvent> stored = RateLimits.store(events, 3, 60, NOW);

    // then
    assertEquals(List.of(new ScaleEvent(NOW, 3), new ScaleEvent(NOW.minusSeconds(30), 1)), stored);
  }

  @Test
  void storingAnEventAppendsWhenNoneIsOutdated() {
    // when
    List<ScaleEvent> stored = RateLimits.store(events(30, 1), 3, 60, NOW);

    // then
    assertEquals(List.of(new ScaleEvent(NOW.minusSeconds(30), 1), new ScaleEvent(NOW, 3)), stored);
  }
}
