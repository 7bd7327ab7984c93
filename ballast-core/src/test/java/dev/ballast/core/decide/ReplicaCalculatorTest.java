package dev.ballast.core.decide;

import static dev.ballast.core.decide.TestPods.COOL;
import static dev.ballast.core.decide.TestPods.HOT;
import static dev.ballast.core.decide.TestPods.K8S_TEST_CONTROLLER;
import static dev.ballast.core.decide.TestPods.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.CustomMetricValue;
import dev.ballast.core.decide.model.ExternalMetricValue;
import dev.ballast.core.decide.model.LabelSelector;
import dev.ballast.core.decide.model.MetricResult;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.ObjectReference;
import dev.ballast.core.decide.model.PodCounts;
import dev.ballast.core.decide.model.PodInfo;
import dev.ballast.core.decide.model.PodUsage;
import dev.ballast.core.decide.model.ScaleTarget;
import dev.ballast.core.decide.model.ScalingRules;
import dev.ballast.core.decide.model.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One metric's proposal, pinned on the scenarios of the Kubernetes replica calculator's own test
 * table (restated): scale up and down, unready and hot-cpu pods, failed and deleted pods, missing
 * samples, tolerance, every metric type.
 */
class ReplicaCalculatorTest {

  private static final long MI = 1024L * 1024L * 1000L; // one MiB in milli-bytes

  /** One named scenario: the snapshot and the expected proposal (null: an error). */
  record Case(
      String name,
      Supplier<Snapshot> snapshot,
      Integer expectedProposal,
      Integer expectedUtilization,
      PodCounts expectedPods,
      String expectedError) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Snapshot cpuSnapshot(int replicas, int target, TestPods pods) {
    return cpuSnapshot(replicas, target, pods, null);
  }

  private static Snapshot cpuSnapshot(int replicas, int target, TestPods pods, Behavior behavior) {
    Autoscaler hpa =
        Autoscaler.of(1, 1000, MetricSpec.cpuUtilization(target)).withBehavior(behavior);
    return new Snapshot(
        NOW,
        K8S_TEST_CONTROLLER,
        hpa,
        ScaleTarget.of(replicas),
        pods.pods(),
        pods.usages(),
        List.of(),
        List.of(),
        null);
  }

  private static Snapshot podsMetric(int replicas, long targetMilli, List<Long> levels) {
    return Snapshot.builder()
        .now(NOW)
        .controller(K8S_TEST_CONTROLLER)
        .autoscaler(
            Autoscaler.of(
                1, 1000, MetricSpec.pods("qps", MetricTarget.averageValueMilli(targetMilli))))
        .replicas(replicas)
        .readyPodsWithMetric("qps", levels)
        .build();
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    // ---- Resource cpu, Utilization
    c.add(
        new Case(
            "cpu 300/500/700m of 1 cpu at target 30% scales 3 → 5 (utilization 50%)",
            () -> cpuSnapshot(3, 30, TestPods.cpu(1000, 300L, 500L, 700L)),
            5,
            50,
            new PodCounts(3, 0, 0, 0),
            null));
    c.add(
        new Case(
            "a never-ready pod counts as 0 on a scale-up: 3 → 4 (utilization 60%)",
            () ->
                cpuSnapshot(
                    3, 30, TestPods.cpu(1000, 300L, 500L, 700L).readiness(false, true, true)),
            4,
            60,
            new PodCounts(2, 1, 0, 0),
            null));
    c.add(
        new Case(
            "a hot-cpu pod (sample within one window of readiness) is unready: 3 → 4",
            () ->
                cpuSnapshot(
                    3, 30, TestPods.cpu(1000, 300L, 500L, 700L).startedAgo(HOT, COOL, COOL)),
            4,
            60,
            new PodCounts(2, 1, 0, 0),
            null));
    c.add(
        new Case(
            "unready pods that would flip a scale-up into a scale-down hold 3",
            () ->
                cpuSnapshot(
                    3, 30, TestPods.cpu(1000, 400L, 500L, 700L).readiness(true, false, false)),
            3,
            40,
            new PodCounts(1, 2, 0, 0),
            null));
    c.add(
        new Case(
            "failed pods are ignored: 2 ready at 60% of target 30% → 4",
            () ->
                cpuSnapshot(
                    2,
                    30,
                    TestPods.cpu(1000, 500L, 700L, 100L, 100L)
                        .readiness(true, true, false, false)
                        .phases(
                            PodInfo.Phase.RUNNING,
                            PodInfo.Phase.RUNNING,
                            PodInfo.Phase.FAILED,
                            PodInfo.Phase.FAILED)),
            4,
            60,
            new PodCounts(2, 0, 0, 2),
            null));
    c.add(
        new Case(
            "pods being deleted are ignored: → 4",
            () ->
                cpuSnapshot(
                    2,
                    30,
                    TestPods.cpu(1000, 500L, 700L, 100L, 100L).deleting(false, false, true, true)),
            4,
            60,
            new PodCounts(2, 0, 0, 2),
            null));
    c.add(
        new Case(
            "pending pods are unready and count as 0 on a scale-up: → 4",
            () ->
                cpuSnapshot(
                    3,
                    30,
                    TestPods.cpu(1000, 500L, 700L, null)
                        .phases(
                            PodInfo.Phase.RUNNING, PodInfo.Phase.RUNNING, PodInfo.Phase.PENDING)),
            4,
            60,
            new PodCounts(2, 1, 0, 0),
            null));
    c.add(
        new Case(
            "scale down: 100/300/500/250/250m at target 50% → 3 (utilization 28%)",
            () -> cpuSnapshot(5, 50, TestPods.cpu(1000, 100L, 300L, 500L, 250L, 250L)),
            3,
            28,
            new PodCounts(5, 0, 0, 0),
            null));
    c.add(
        new Case(
            "unready pods are left out of a scale-down: → 2 (utilization 40%)",
            () ->
                cpuSnapshot(
                    5,
                    50,
                    TestPods.cpu(1000, 100L, 300L, 500L, 250L, 250L)
                        .readiness(false, true, true, false, false)),
            2,
            40,
            new PodCounts(2, 3, 0, 0),
            null));
    c.add(
        new Case(
            "within tolerance (102% of a 100% target) holds 3",
            () -> cpuSnapshot(3, 100, TestPods.cpu(1000, 1010L, 1030L, 1020L)),
            3,
            102,
            new PodCounts(3, 0, 0, 0),
            null));
    c.add(
        new Case(
            "a missing sample at ratio exactly 1 holds 2",
            () -> cpuSnapshot(2, 100, TestPods.cpu(1000, 1000L, null)),
            2,
            100,
            new PodCounts(1, 0, 1, 0),
            null));
    c.add(
        new Case(
            "a missing sample counts 0% on a scale-up: 190% → 95%, within tolerance, holds 2",
            () -> cpuSnapshot(2, 100, TestPods.cpu(1000, 1900L, null)),
            2,
            190,
            new PodCounts(1, 0, 1, 0),
            null));
    c.add(
        new Case(
            "a missing sample counts 100% on a scale-down: 60% → 80% → ceil(0.8 × 2) = 2",
            () -> cpuSnapshot(2, 100, TestPods.cpu(1000, 600L, null)),
            2,
            60,
            new PodCounts(1, 0, 1, 0),
            null));
    c.add(
        new Case(
            "missing and unready pods that flip the direction hold 3",
            () ->
                cpuSnapshot(
                    3, 50, TestPods.cpu(1000, 100L, 450L, null).readiness(false, true, true)),
            3,
            45,
            new PodCounts(1, 1, 1, 0),
            null));
    c.add(
        new Case(
            "missing and unready pods on a scale-up: 200% → 66% of all three → 4",
            () ->
                cpuSnapshot(
                    3, 50, TestPods.cpu(1000, 100L, 2000L, null).readiness(false, true, true)),
            4,
            200,
            new PodCounts(1, 1, 1, 0),
            null));
    c.add(
        new Case(
            "missing and unready pods on a scale-down: 10% → 40% over 3 counted → 3",
            () ->
                cpuSnapshot(
                    4,
                    50,
                    TestPods.cpu(1000, 100L, 100L, 100L, null).readiness(false, true, true, true)),
            3,
            10,
            new PodCounts(2, 1, 1, 0),
            null));
    c.add(
        new Case(
            "a missing pod on a scale-down counts as the target when the target is above 100%",
            () -> cpuSnapshot(2, 200, TestPods.cpu(1000, 1000L, null)),
            // 50% of a 200% target: the missing pod counts 200% → 150% → 0.75 → ceil(1.5) = 2
            2,
            100,
            new PodCounts(1, 0, 1, 0),
            null));
    c.add(
        new Case(
            "a pod without a cpu request makes the metric invalid",
            () -> {
              TestPods pods = TestPods.cpu(1000, 500L);
              pods.pods()
                  .set(
                      0,
                      pods.pods()
                          .get(0)
                          .withContainers(List.of(new PodInfo.ContainerRequests("app", Map.of()))));
              return cpuSnapshot(1, 50, pods);
            },
            null,
            null,
            null,
            "missing request for cpu in container app of Pod pod-0"));
    c.add(
        new Case(
            "no pod metrics at all makes the metric invalid",
            () -> cpuSnapshot(2, 50, TestPods.cpu(1000, null, null)),
            null,
            null,
            null,
            "no metrics returned from resource metrics API"));
    c.add(
        new Case(
            "only unready pods have samples: no metrics for targeted pods",
            () -> cpuSnapshot(2, 50, TestPods.cpu(1000, 500L, 500L).readiness(false, false)),
            null,
            null,
            null,
            "did not receive metrics for targeted pods (pods might be unready)"));
    c.add(
        new Case(
            "behavior.scaleUp.tolerance 0.2 holds a ratio of 1.15 the default would act on",
            () ->
                cpuSnapshot(
                    3,
                    100,
                    TestPods.cpu(1000, 1150L, 1150L, 1150L),
                    Behavior.of(ScalingRules.unset().withTolerance(0.2), null)),
            3,
            115,
            new PodCounts(3, 0, 0, 0),
            null));
    c.add(
        new Case(
            "without a per-direction tolerance a ratio of 1.15 scales 3 → 4",
            () -> cpuSnapshot(3, 100, TestPods.cpu(1000, 1150L, 1150L, 1150L)),
            4,
            115,
            new PodCounts(3, 0, 0, 0),
            null));
    c.add(
        new Case(
            "behavior.scaleDown.tolerance 0.05 acts on a ratio of 0.92: 20 → 19",
            () ->
                cpuSnapshot(
                    20,
                    100,
                    TestPods.cpu(1000, Collections.nCopies(20, 920L).toArray(Long[]::new)),
                    Behavior.of(null, ScalingRules.unset().withTolerance(0.05))),
            19,
            92,
            new PodCounts(20, 0, 0, 0),
            null));
    c.add(
        new Case(
            "samples of pods outside the selection are skipped in the ratio: 587% → 24",
            () -> {
              TestPods pods = TestPods.cpu(1000, 4000L, 9500L, 3000L, 7000L);
              List<PodUsage> usages = new ArrayList<>(pods.usages());
              usages.add(PodUsage.of("old-pod-4", NOW, Duration.ofMinutes(1), "cpu", 3200));
              usages.add(PodUsage.of("old-pod-5", NOW, Duration.ofMinutes(1), "cpu", 2000));
              return new Snapshot(
                  NOW,
                  K8S_TEST_CONTROLLER,
                  Autoscaler.of(1, 1000, MetricSpec.cpuUtilization(100)),
                  ScaleTarget.of(4),
                  pods.pods(),
                  usages,
                  List.of(),
                  List.of(),
                  null);
            },
            24,
            587,
            new PodCounts(4, 0, 0, 0),
            null));
    c.add(
        new Case(
            "two of four pods missing on a scale-down count 100%: 24% → 62% → 3",
            () -> cpuSnapshot(4, 100, TestPods.cpu(1000, 400L, 95L, null, null)),
            3,
            24,
            new PodCounts(2, 0, 2, 0),
            null));
    c.add(
        new Case(
            "a missing pod counts as the 300% target on a scale-down: → 2",
            () -> {
              TestPods pods =
                  TestPods.cpu(1000, 200L, 100L, 100L, null).readiness(false, true, true, true);
              for (int i = 2; i < 4; i++) {
                pods.pods()
                    .set(
                        i,
                        pods.pods()
                            .get(i)
                            .withContainers(
                                List.of(
                                    new PodInfo.ContainerRequests("app", Map.of("cpu", 2000L)))));
              }
              return cpuSnapshot(4, 300, pods);
            },
            2,
            6,
            new PodCounts(2, 1, 1, 0),
            null));
    c.add(
        new Case(
            "a surge pod without a sample during a rolling update holds 2 (count would flip)",
            () -> cpuSnapshot(2, 50, TestPods.cpu(1000, 100L, 100L, null)),
            2,
            10,
            new PodCounts(2, 0, 1, 0),
            null));
    c.add(
        new Case(
            "Pods metric: a surge pod without a sample holds 2 (count would flip)",
            () -> podsMetric(2, 17000, java.util.Arrays.asList(10000L, 10000L, null)),
            2,
            null,
            new PodCounts(2, 0, 1, 0),
            null));
    c.add(
        new Case(
            "Object AverageValue within tolerance: 20.166 over 4 × 5 holds 4",
            () -> objectSnapshot(MetricTarget.averageValueMilli(5000), 20166, 4, 4),
            4,
            null,
            PodCounts.NONE,
            null));
    c.add(
        new Case(
            "External AverageValue within tolerance: 8.6 over 3 × 2.9 holds 3",
            () -> externalSnapshot(MetricTarget.averageValueMilli(2900), 3, 8600),
            3,
            null,
            PodCounts.NONE,
            null));
    c.add(
        new Case(
            "pod-level requests take precedence over the containers': 1500m of 2 cpu at 50% → 2",
            () -> {
              TestPods pods = TestPods.cpu(500, 1500L);
              pods.pods().set(0, pods.pods().get(0).withPodRequests(Map.of("cpu", 2000L)));
              return cpuSnapshot(1, 50, pods);
            },
            2,
            75,
            new PodCounts(1, 0, 0, 0),
            null));
    // ---- ContainerResource and Resource AverageValue
    c.add(
        new Case(
            "ContainerResource counts only the named container: app 900m of 1 cpu at 50% → 2",
            ReplicaCalculatorTest::containerResourceSnapshot,
            2,
            90,
            new PodCounts(1, 0, 0, 0),
            null));
    c.add(
        new Case(
            "memory AverageValue: 200/300/400Mi at target 200Mi → ceil(1.5 × 3) = 5",
            () ->
                Snapshot.builder()
                    .now(NOW)
                    .autoscaler(
                        Autoscaler.of(
                            1, 1000, MetricSpec.resourceAverageValueMilli("memory", 200 * MI)))
                    .readyPodsWithResource(
                        "memory", List.of(200 * MI, 300 * MI, 400 * MI), 512 * MI)
                    .build(),
            5,
            null,
            new PodCounts(3, 0, 0, 0),
            null));
    // ---- Pods
    c.add(
        new Case(
            "Pods metric 20/10/30 at target 15 → 4",
            () -> podsMetric(3, 15000, List.of(20000L, 10000L, 30000L)),
            4,
            null,
            new PodCounts(3, 0, 0, 0),
            null));
    c.add(
        new Case(
            "Pods metric ignores the Ready condition (cpu rules only): 50/10/30 at 15 → 6",
            () -> {
              Snapshot s = podsMetric(3, 15000, List.of(50000L, 10000L, 30000L));
              List<PodInfo> pods = new ArrayList<>(s.pods());
              pods.set(2, pods.get(2).withReady(PodInfo.ReadyCondition.notReady(NOW)));
              return new Snapshot(
                  s.now(),
                  s.controller(),
                  s.autoscaler(),
                  s.scale(),
                  pods,
                  s.podMetrics(),
                  s.customMetrics(),
                  s.externalMetrics(),
                  null);
            },
            6,
            null,
            new PodCounts(3, 0, 0, 0),
            null));
    c.add(
        new Case(
            "Pods metric scale down: 5 × 12 at target 20 → 3",
            () -> podsMetric(5, 20000, List.of(12000L, 12000L, 12000L, 12000L, 12000L)),
            3,
            null,
            new PodCounts(5, 0, 0, 0),
            null));
    c.add(
        new Case(
            "Pods metric within tolerance: 20/21/21 at 20 holds 3",
            () -> podsMetric(3, 20000, List.of(20000L, 21000L, 21000L)),
            3,
            null,
            new PodCounts(3, 0, 0, 0),
            null));
    c.add(
        new Case(
            "Pods metric: a missing pod counts as the target on a scale-down → 3",
            () -> podsMetric(4, 20000, java.util.Arrays.asList(10000L, 10000L, 10000L, null)),
            3,
            null,
            new PodCounts(3, 0, 1, 0),
            null));
    // ---- Object
    c.add(
        new Case(
            "Object Value 30 at target 10 with 3 ready pods → 9",
            () -> objectSnapshot(MetricTarget.value(10), 30000, 3, 3),
            9,
            null,
            new PodCounts(3, 0, 0, 0),
            null));
    c.add(
        new Case(
            "Object Value counts only running and ready pods: 2 of 3 ready → 6",
            () -> {
              Snapshot s = objectSnapshot(MetricTarget.value(10), 30000, 3, 3);
              List<PodInfo> pods = new ArrayList<>(s.pods());
              pods.set(0, pods.get(0).withReady(PodInfo.ReadyCondition.notReady(NOW)));
              return new Snapshot(
                  s.now(),
                  s.controller(),
                  s.autoscaler(),
                  s.scale(),
                  pods,
                  s.podMetrics(),
                  s.customMetrics(),
                  s.externalMetrics(),
                  null);
            },
            6,
            null,
            new PodCounts(2, 1, 0, 0),
            null));
    c.add(
        new Case(
            "Object AverageValue 40 at 10 per pod over 3 status replicas → 4",
            () -> objectSnapshot(MetricTarget.averageValue(10), 40000, 3, 3),
            4,
            null,
            PodCounts.NONE,
            null));
    c.add(
        new Case(
            "Object AverageValue uses status.replicas: 30 at 10 over 3 in status holds 3",
            () -> objectSnapshot(MetricTarget.averageValue(10), 30000, 5, 3),
            3,
            null,
            PodCounts.NONE,
            null));
    // ---- External
    c.add(
        new Case(
            "External Value 8.6 at target 4.4 with 1 ready pod → 2",
            () -> externalSnapshot(MetricTarget.valueMilli(4400), 1, 8600),
            2,
            null,
            new PodCounts(1, 0, 0, 0),
            null));
    c.add(
        new Case(
            "External AverageValue 8.6 at 2.15 per pod over 3 replicas → 4",
            () -> externalSnapshot(MetricTarget.averageValueMilli(2150), 3, 8600),
            4,
            null,
            PodCounts.NONE,
            null));
    c.add(
        new Case(
            "External sums only the series matching the selector: 5 at target 1 × 3 pods → 15",
            () ->
                Snapshot.builder()
                    .now(NOW)
                    .autoscaler(
                        Autoscaler.of(
                            1,
                            1000,
                            MetricSpec.external(
                                "queue_depth",
                                LabelSelector.matchLabels(Map.of("queue", "a")),
                                MetricTarget.value(1))))
                    .readyPods(3)
                    .externalMetric(
                        new ExternalMetricValue("queue_depth", Map.of("queue", "a"), NOW, 2000))
                    .externalMetric(
                        new ExternalMetricValue("queue_depth", Map.of("queue", "a"), NOW, 3000))
                    .externalMetric(
                        new ExternalMetricValue("queue_depth", Map.of("queue", "b"), NOW, 7000))
                    .build(),
            15,
            null,
            new PodCounts(3, 0, 0, 0),
            null));
    c.add(
        new Case(
            "External with no matching series is invalid",
            () -> externalSnapshot(MetricTarget.value(1), 1, -1),
            null,
            null,
            null,
            "no metrics returned from external metrics API"));
    return c.stream();
  }

  private static Snapshot containerResourceSnapshot() {
    Duration ago = Duration.ofMinutes(10);
    PodInfo pod =
        PodInfo.running("pod-0", NOW.minus(ago), Map.of())
            .withContainers(
                List.of(
                    new PodInfo.ContainerRequests("app", Map.of("cpu", 1000L)),
                    new PodInfo.ContainerRequests("sidecar", Map.of("cpu", 1000L))));
    PodUsage usage =
        new PodUsage(
            "pod-0",
            NOW,
            Duration.ofMinutes(1),
            List.of(
                new PodUsage.ContainerUsage("app", Map.of("cpu", 900L)),
                new PodUsage.ContainerUsage("sidecar", Map.of("cpu", 10L))));
    return Snapshot.builder()
        .now(NOW)
        .autoscaler(
            Autoscaler.of(
                1,
                1000,
                new MetricSpec.ContainerResource("cpu", "app", MetricTarget.utilization(50))))
        .pod(pod)
        .podUsage(usage)
        .build();
  }

  private static Snapshot objectSnapshot(
      MetricTarget target, long valueMilli, int specReplicas, int statusReplicas) {
    ObjectReference ingress = new ObjectReference("networking.k8s.io/v1", "Ingress", "web");
    return Snapshot.builder()
        .now(NOW)
        .autoscaler(Autoscaler.of(1, 1000, MetricSpec.object(ingress, "rps", target)))
        .readyPods(3)
        .scale(new ScaleTarget(specReplicas, statusReplicas))
        .customMetric(new CustomMetricValue(ingress, "rps", NOW, null, valueMilli))
        .build();
  }

  private static Snapshot externalSnapshot(MetricTarget target, int replicas, long valueMilli) {
    Snapshot.Builder b =
        Snapshot.builder()
            .now(NOW)
            .autoscaler(
                Autoscaler.of(
                    1,
                    1000,
                    MetricSpec.external("queue_messages", LabelSelector.EVERYTHING, target)))
            .readyPods(replicas);
    if (valueMilli >= 0) {
      b.externalMetric("queue_messages", valueMilli);
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void proposesTheReplicaCountTheHpaWould(Case c) {
    // given
    Snapshot snapshot = c.snapshot().get();

    // when
    MetricResult result = new DecisionEngine().decide(snapshot).metrics().get(0);

    // then
    if (c.expectedError() != null) {
      assertNull(result.proposedReplicas(), "no proposal for an invalid metric");
      assertTrue(result.error().contains(c.expectedError()), () -> "error was: " + result.error());
      return;
    }
    assertNull(result.error(), () -> "unexpected error: " + result.error());
    assertEquals(
        c.expectedProposal(), result.proposedReplicas(), () -> String.join("\n", result.steps()));
    if (c.expectedUtilization() != null) {
      assertEquals(c.expectedUtilization(), result.current().averageUtilization());
    }
    assertEquals(c.expectedPods(), result.pods());
  }
}
