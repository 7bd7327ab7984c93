package dev.ballast.core.decide;

import static dev.ballast.core.decide.TestPods.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.Condition;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.ScaleEvent;
import dev.ballast.core.decide.model.ScalingPolicy;
import dev.ballast.core.decide.model.ScalingRules;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behavior rate rules end to end, restated from the HPA controller's "scaling with rules"
 * table: the replica count and the ScalingLimited reason for a proposal, bounds, policies and past
 * scale events. Events "[1, 5, 9] over 120 s" sit 100 s, 60 s and 20 s before now.
 */
class BehaviorRulesTest {

  /** One row of the table. */
  record Case(
      String name,
      int min,
      int max,
      ScalingRules up,
      ScalingRules down,
      List<ScaleEvent> ups,
      List<ScaleEvent> downs,
      int current,
      int proposal,
      int expected,
      String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Pods and Percent policies (0: absent), Max select, this stabilization window. */
  private static ScalingRules rules(
      int pods, int podsPeriod, int percent, int percentPeriod, int window) {
    List<ScalingPolicy> policies = new ArrayList<>();
    if (pods != 0) {
      policies.add(ScalingPolicy.pods(pods, podsPeriod));
    }
    if (percent != 0) {
      policies.add(ScalingPolicy.percent(percent, percentPeriod));
    }
    return new ScalingRules(window, ScalingRules.SelectPolicy.MAX, policies, null);
  }

  /** Events spread evenly over the last {@code period} seconds, oldest first. */
  private static List<ScaleEvent> spread(int period, int... changes) {
    List<ScaleEvent> out = new ArrayList<>();
    double segment = (double) period / changes.length;
    for (int i = 0; i < changes.length; i++) {
      long ago = Math.round(period - segment * (i + 1) + segment / 2);
      out.add(new ScaleEvent(NOW.minusSeconds(ago), changes[i]));
    }
    return out;
  }

  private static Case c(
      String name,
      int min,
      int max,
      ScalingRules up,
      ScalingRules down,
      int current,
      int proposal,
      int expected,
      String reason) {
    return new Case(
        name, min, max, up, down, List.of(), List.of(), current, proposal, expected, reason);
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(c("within range", 3, 8, null, null, 5, 7, 7, "DesiredWithinRange"));
    c.add(c("below minReplicas", 2, 8, null, null, 3, 1, 2, "TooFewReplicas"));
    c.add(c("down to 0 when minReplicas is 0", 0, 10, null, null, 1, 0, 0, "DesiredWithinRange"));
    c.add(
        c(
            "maxReplicas below the policy limit",
            100,
            150,
            null,
            null,
            100,
            1000,
            150,
            "TooManyReplicas"));
    c.add(
        c(
            "a 1% scale-up still adds one",
            1, 2000, rules(0, 0, 1, 60, 0), null, 3, 1000, 4, "ScaleUpLimit"));
    c.add(c("default scale-up", 1, 1000, null, null, 10, 50, 20, "ScaleUpLimit"));
    c.add(
        c(
            "pods policy larger than percent",
            1,
            1000,
            rules(100, 60, 100, 60, 0),
            null,
            10,
            500,
            110,
            "ScaleUpLimit"));
    c.add(
        c(
            "percent policy larger than pods",
            1,
            1000,
            rules(2, 60, 100, 60, 0),
            null,
            10,
            500,
            20,
            "ScaleUpLimit"));
    c.add(
        c(
            "a large pods policy does not limit",
            1,
            1000,
            rules(100, 60, 0, 0, 0),
            null,
            10,
            50,
            50,
            "DesiredWithinRange"));
    c.add(
        c(
            "a large percent policy does not limit",
            1,
            1000,
            rules(0, 0, 10000, 60, 0),
            null,
            10,
            50,
            50,
            "DesiredWithinRange"));
    c.add(
        c("pods policy limit", 1, 1000, rules(30, 60, 0, 0, 0), null, 10, 50, 40, "ScaleUpLimit"));
    c.add(
        c(
            "percent policy limit",
            1,
            1000,
            rules(0, 0, 200, 60, 0),
            null,
            10,
            50,
            30,
            "ScaleUpLimit"));
    c.add(
        c(
            "scale-down: pods policy allows more than percent",
            1,
            1000,
            null,
            rules(20, 60, 1, 60, 300),
            100,
            2,
            80,
            "ScaleDownLimit"));
    c.add(
        c(
            "scale-down: percent allows more than a small pods policy",
            1,
            1000,
            null,
            rules(2, 60, 1, 60, 300),
            100,
            2,
            98,
            "ScaleDownLimit"));
    c.add(
        c(
            "scale-down: minReplicas below a large pods policy",
            1,
            1000,
            null,
            rules(100, 60, 0, 0, 300),
            10,
            0,
            1,
            "TooFewReplicas"));
    c.add(
        c(
            "scale-down: minReplicas below a large percent policy",
            5,
            1000,
            null,
            rules(0, 0, 100, 60, 300),
            10,
            2,
            5,
            "TooFewReplicas"));
    c.add(
        c(
            "scale-down: pods policy limit",
            1,
            1000,
            null,
            rules(5, 60, 0, 0, 300),
            10,
            2,
            5,
            "ScaleDownLimit"));
    c.add(
        c(
            "scale-down: percent policy exactly reached",
            1,
            1000,
            null,
            rules(0, 0, 50, 60, 300),
            10,
            5,
            5,
            "DesiredWithinRange"));
    List<ScaleEvent> events = spread(120, 1, 5, 9);
    c.add(
        new Case(
            "maxReplicas below a large pods policy after scale-ups",
            1,
            200,
            rules(300, 60, 0, 0, 0),
            null,
            events,
            List.of(),
            100,
            500,
            200,
            "TooManyReplicas"));
    c.add(
        new Case(
            "maxReplicas below a large percent policy after scale-ups",
            1,
            200,
            rules(0, 0, 10000, 60, 0),
            null,
            events,
            List.of(),
            100,
            500,
            200,
            "TooManyReplicas"));
    c.add(
        new Case(
            "many recent scale-ups allow no more (limit below current)",
            1,
            1000,
            rules(5, 120, 0, 0, 0),
            null,
            events,
            List.of(),
            100,
            500,
            100,
            "ScaleUpLimit"));
    c.add(
        new Case(
            "pods policy counts from the period start: 100 − 15 + 150",
            1,
            1000,
            rules(150, 120, 0, 0, 0),
            null,
            events,
            List.of(),
            100,
            500,
            235,
            "ScaleUpLimit"));
    c.add(
        new Case(
            "percent policy counts from the period start: 85 × 3",
            1,
            1000,
            rules(0, 0, 200, 120, 0),
            null,
            events,
            List.of(),
            100,
            500,
            255,
            "ScaleUpLimit"));
    c.add(
        new Case(
            "scale-ups and scale-downs both move the period start: (6 − 4 + 2) × 4",
            1,
            1000,
            rules(0, 0, 300, 300, 0),
            null,
            spread(120, 4),
            spread(120, 2),
            6,
            24,
            16,
            "ScaleUpLimit"));
    c.add(
        new Case(
            "default scale-down ignores events older than 15 s",
            1,
            1000,
            null,
            null,
            List.of(),
            events,
            10,
            5,
            5,
            "DesiredWithinRange"));
    c.add(
        new Case(
            "scale-down to minReplicas 1 past a large pods policy after scale-downs",
            1,
            1000,
            null,
            rules(115, 120, 0, 0, 300),
            List.of(),
            events,
            100,
            0,
            1,
            "TooFewReplicas"));
    c.add(
        new Case(
            "scale-down to minReplicas 5 past a large pods policy after scale-downs",
            5,
            1000,
            null,
            rules(130, 120, 0, 0, 300),
            List.of(),
            events,
            100,
            0,
            5,
            "TooFewReplicas"));
    c.add(
        new Case(
            "scale-down: 100% removal is limited by minReplicas",
            5,
            1000,
            null,
            rules(0, 0, 100, 120, 300),
            List.of(),
            events,
            100,
            2,
            5,
            "TooFewReplicas"));
    c.add(
        new Case(
            "scale-down: recent removals use up a pods policy (100 + 15 − 5 > 100)",
            1,
            1000,
            null,
            rules(5, 120, 0, 0, 300),
            List.of(),
            events,
            100,
            2,
            100,
            "ScaleDownLimit"));
    c.add(
        new Case(
            "scale-down: percent from the period start (100 + 12) × 50%",
            1,
            1000,
            null,
            rules(0, 0, 50, 120, 300),
            List.of(),
            spread(120, 2, 4, 6),
            100,
            0,
            56,
            "ScaleDownLimit"));
    c.add(
        new Case(
            "scale-down: percent after both directions moved (10 − 2 + 4) × 50%",
            1,
            1000,
            null,
            rules(0, 0, 50, 180, 0),
            spread(120, 2),
            spread(120, 4),
            10,
            1,
            6,
            "ScaleDownLimit"));
    c.add(
        new Case(
            "scale-down: recent removals allow none now ((100 + 30) × 90% > 100)",
            1,
            1000,
            null,
            rules(0, 0, 10, 120, 300),
            List.of(),
            spread(120, 10, 10, 10),
            100,
            0,
            100,
            "ScaleDownLimit"));
    c.add(
        new Case(
            "scale-down: a limit below zero leaves the proposal",
            1,
            1000,
            null,
            rules(0, 0, 1000, 120, 300),
            List.of(),
            spread(120, 10, 10, 10),
            10,
            5,
            5,
            "DesiredWithinRange"));
    c.add(
        new Case(
            "scale-up: only events inside the policy period count",
            1,
            1000,
            rules(1000, 60, 0, 0, 0),
            null,
            spread(120, 8, 12, 9, 11),
            List.of(),
            100,
            200,
            200,
            "DesiredWithinRange"));
    c.add(
        new Case(
            "scale-down: only events inside the policy period count",
            1,
            1000,
            null,
            rules(1000, 60, 0, 0, 300),
            List.of(),
            spread(120, 8, 12, 9, 11),
            100,
            5,
            5,
            "DesiredWithinRange"));
    return c.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void limitsTheChangeAsTheHpaDoes(Case c) {
    // given
    History history =
        Scenarios.emptyHistory().withScaleUpEvents(c.ups()).withScaleDownEvents(c.downs());
    Behavior behavior = Behavior.of(c.up(), c.down());

    // when
    Decision d =
        new DecisionEngine()
            .decide(
                Scenarios.proposing(
                    c.current(), c.proposal(), c.min(), c.max(), behavior, history));

    // then
    assertEquals(c.expected(), d.desiredReplicas(), () -> d.rules().toString());
    assertEquals(c.reason(), d.condition(Condition.SCALING_LIMITED).orElseThrow().reason());
  }
}
