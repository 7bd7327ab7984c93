package dev.ballast.core.decide;

import static dev.ballast.core.decide.TestPods.NOW;

import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.CustomMetricValue;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.ObjectReference;
import dev.ballast.core.decide.model.Snapshot;

/** Snapshots whose metric proposes an exact replica count, to test the controller's rules. */
final class Scenarios {
  static final ObjectReference QUEUE = ObjectReference.of("Queue", "jobs");

  private Scenarios() {}

  /**
   * An Object metric with an AverageValue target of 1 whose value is {@code proposal}: the metric
   * proposes exactly {@code proposal} replicas (outside the tolerance band) with {@code current}
   * running pods.
   */
  static Snapshot proposing(
      int current, int proposal, int min, int max, Behavior behavior, History history) {
    MetricSpec metric = MetricSpec.object(QUEUE, "backlog", MetricTarget.averageValue(1));
    return Snapshot.builder()
        .now(NOW)
        .autoscaler(Autoscaler.of(min, max, metric).withBehavior(behavior))
        .readyPods(current)
        .replicas(current)
        .customMetric(new CustomMetricValue(QUEUE, "backlog", NOW, null, proposal * 1000L))
        .history(history)
        .build();
  }

  /** No memory yet for recommendations (an empty list, not a first reconcile). */
  static History emptyHistory() {
    return History.of(java.util.List.of());
  }
}
