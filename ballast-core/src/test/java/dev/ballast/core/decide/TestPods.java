package dev.ballast.core.decide;

import dev.ballast.core.decide.model.ControllerSettings;
import dev.ballast.core.decide.model.PodInfo;
import dev.ballast.core.decide.model.PodUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pod fixtures shaped like the HPA controller's own test tables: per-pod cpu levels (null = no
 * sample), readiness, phase, start time and deletion, with the controller settings its tests use
 * (tolerance 0.1, cpu initialization 2 min, readiness delay 10 s).
 */
final class TestPods {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  static final ControllerSettings K8S_TEST_CONTROLLER =
      ControllerSettings.DEFAULTS
          .withCpuInitializationPeriod(Duration.ofMinutes(2))
          .withInitialReadinessDelay(Duration.ofSeconds(10));

  /** Started long before the cpu initialization period. */
  static final Duration COOL = Duration.ofMinutes(3);

  /** Started within the cpu initialization period. */
  static final Duration HOT = Duration.ofSeconds(30);

  private final List<PodInfo> pods = new ArrayList<>();
  private final List<PodUsage> usages = new ArrayList<>();

  /** One pod per level (milli-cpu; null: no sample), all running, ready and cool. */
  static TestPods cpu(long requestMilli, Long... levels) {
    TestPods t = new TestPods();
    for (int i = 0; i < levels.length; i++) {
      String name = "pod-" + i;
      Instant start = NOW.minus(COOL);
      t.pods.add(PodInfo.running(name, start, Map.of("cpu", requestMilli)));
      if (levels[i] != null) {
        t.usages.add(PodUsage.of(name, NOW, Duration.ofMinutes(1), "cpu", levels[i]));
      }
    }
    return t;
  }

  /** Sets the Ready status of each pod (True/False), transitioned at its start time. */
  TestPods readiness(boolean... ready) {
    for (int i = 0; i < ready.length; i++) {
      PodInfo p = pods.get(i);
      pods.set(
          i,
          p.withReady(
              ready[i]
                  ? PodInfo.ReadyCondition.ready(p.startTime())
                  : PodInfo.ReadyCondition.notReady(p.startTime())));
    }
    return this;
  }

  TestPods phases(PodInfo.Phase... phases) {
    for (int i = 0; i < phases.length; i++) {
      pods.set(i, pods.get(i).withPhase(phases[i]));
    }
    return this;
  }

  TestPods deleting(boolean... deleting) {
    for (int i = 0; i < deleting.length; i++) {
      pods.set(i, pods.get(i).withDeleting(deleting[i]));
    }
    return this;
  }

  /** Sets how long ago each pod started; its Ready condition moves with it. */
  TestPods startedAgo(Duration... ago) {
    for (int i = 0; i < ago.length; i++) {
      PodInfo p = pods.get(i);
      Instant start = NOW.minus(ago[i]);
      pods.set(
          i,
          p.withStartTime(start).withReady(new PodInfo.ReadyCondition(p.ready().status(), start)));
    }
    return this;
  }

  List<PodInfo> pods() {
    return pods;
  }

  List<PodUsage> usages() {
    return usages;
  }
}
