package dev.ballast.core.decide;

import static dev.ballast.core.decide.TestPods.K8S_TEST_CONTROLLER;
import static dev.ballast.core.decide.TestPods.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.MetricResult;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.PodClass;
import dev.ballast.core.decide.model.PodInfo;
import dev.ballast.core.decide.model.PodUsage;
import dev.ballast.core.decide.model.PodVerdict;
import dev.ballast.core.decide.model.ScaleTarget;
import dev.ballast.core.decide.model.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How one pod is classified, restated from the HPA controller's pod grouping table (cpu
 * initialization period 2 min, initial readiness delay 10 s). Each snapshot also holds a plain
 * ready "anchor" pod so that the metric can be computed.
 */
class PodGroupingTest {

  /** One pod, its sample (null: none), the resource, and the class it must get. */
  record Case(
      String name,
      PodInfo pod,
      Instant sampleAt,
      Duration window,
      String resource,
      PodClass expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Instant ago(Duration d) {
    return NOW.minus(d);
  }

  private static PodInfo pod(
      PodInfo.Phase phase, Duration startedAgo, PodInfo.ReadyCondition ready) {
    return new PodInfo(
        "subject",
        phase,
        false,
        startedAgo == null ? null : ago(startedAgo),
        ready,
        List.of(new PodInfo.ContainerRequests("app", Map.of("cpu", 1000L, "memory", 1000L))));
  }

  private static PodInfo.ReadyCondition ready(boolean status, Duration since) {
    return new PodInfo.ReadyCondition(
        status ? PodInfo.ReadyCondition.Status.TRUE : PodInfo.ReadyCondition.Status.FALSE,
        ago(since));
  }

  static Stream<Case> cases() {
    Duration s30 = Duration.ofSeconds(30);
    Duration m1 = Duration.ofMinutes(1);
    Duration m3 = Duration.ofMinutes(3);
    Duration m10 = Duration.ofMinutes(10);
    return Stream.of(
        new Case(
            "a Succeeded pod with a memory sample counts",
            pod(PodInfo.Phase.SUCCEEDED, null, null),
            NOW,
            m1,
            "memory",
            PodClass.READY),
        new Case(
            "cpu: a pod without a Ready condition is unready",
            pod(PodInfo.Phase.RUNNING, Duration.ZERO, null),
            NOW,
            m1,
            "cpu",
            PodClass.UNREADY),
        new Case(
            "cpu: ready during initialization with a sample one window past readiness counts",
            pod(PodInfo.Phase.RUNNING, m1, ready(true, s30)),
            NOW,
            s30,
            "cpu",
            PodClass.READY),
        new Case(
            "cpu: ready during initialization with a sample within a window of readiness is"
                + " unready",
            pod(PodInfo.Phase.RUNNING, m1, ready(true, s30)),
            NOW,
            m1,
            "cpu",
            PodClass.UNREADY),
        new Case(
            "cpu: not ready, and turned not-ready within the readiness delay of starting, is"
                + " unready",
            pod(PodInfo.Phase.RUNNING, m10, ready(false, Duration.ofSeconds(594))),
            NOW,
            m1,
            "cpu",
            PodClass.UNREADY),
        new Case(
            "cpu: ready after initialization counts even with an old sample",
            pod(PodInfo.Phase.RUNNING, m3, ready(true, m3)),
            ago(Duration.ofMinutes(2)),
            m1,
            "cpu",
            PodClass.READY),
        new Case(
            "cpu: not ready now but was ready after initialization counts",
            pod(PodInfo.Phase.RUNNING, m10, ready(false, Duration.ofMinutes(9))),
            NOW,
            m1,
            "cpu",
            PodClass.READY),
        new Case(
            "cpu: a transition exactly at start + readiness delay counts (strictly after rule)",
            pod(PodInfo.Phase.RUNNING, m10, ready(false, Duration.ofSeconds(590))),
            NOW,
            m1,
            "cpu",
            PodClass.READY),
        new Case(
            "a running pod without a sample is missing",
            pod(PodInfo.Phase.RUNNING, m3, ready(true, m3)),
            null,
            m1,
            "cpu",
            PodClass.MISSING),
        new Case(
            "a pending pod is unready",
            pod(PodInfo.Phase.PENDING, null, null),
            null,
            m1,
            "cpu",
            PodClass.UNREADY),
        new Case(
            "a pod being deleted is ignored, even with a sample",
            pod(PodInfo.Phase.PENDING, null, null).withDeleting(true),
            NOW,
            m1,
            "cpu",
            PodClass.IGNORED),
        new Case(
            "a failed pod is ignored",
            pod(PodInfo.Phase.FAILED, null, null),
            NOW,
            m1,
            "cpu",
            PodClass.IGNORED),
        new Case(
            "readiness rules apply to cpu only: an unready pod's memory sample counts",
            pod(PodInfo.Phase.RUNNING, Duration.ZERO, null),
            NOW,
            m1,
            "memory",
            PodClass.READY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void classifiesThePodAsTheHpaDoes(Case c) {
    // given
    PodInfo anchor =
        PodInfo.running("anchor", ago(Duration.ofHours(1)), Map.of("cpu", 1000L, "memory", 1000L));
    List<PodUsage> usage =
        new java.util.ArrayList<>(
            List.of(PodUsage.of("anchor", NOW, Duration.ofMinutes(1), c.resource(), 500L)));
    if (c.sampleAt() != null) {
      usage.add(PodUsage.of("subject", c.sampleAt(), c.window(), c.resource(), 500L));
    }
    Snapshot s =
        new Snapshot(
            NOW,
            K8S_TEST_CONTROLLER,
            Autoscaler.of(1, 10, MetricSpec.resourceUtilization(c.resource(), 50)),
            ScaleTarget.of(2),
            List.of(anchor, c.pod()),
            usage,
            List.of(),
            List.of(),
            null);

    // when
    MetricResult result = new DecisionEngine().decide(s).metrics().get(0);

    // then
    PodVerdict subject =
        result.podVerdicts().stream()
            .filter(v -> v.pod().equals("subject"))
            .findFirst()
            .orElseThrow();
    assertEquals(c.expected(), subject.podClass(), subject.why());
  }
}
