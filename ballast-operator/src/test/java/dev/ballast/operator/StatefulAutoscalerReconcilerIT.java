package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.testing.MutableClock;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against the fabric8 mock API server (CRUD mode), with a fake kubelet playing the
 * StatefulSet controller and a hand-advanced clock. The real API server tier (schema, CEL, RBAC, a
 * real StatefulSet controller and ZooKeeper) is the harness's.
 */
@EnableKubernetesMockClient(crud = true)
class StatefulAutoscalerReconcilerIT {
  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  MockCluster cluster;
  MutableClock clock;
  StatefulAutoscalerReconciler reconciler;

  @BeforeEach
  void setUp() {
    cluster = new MockCluster(client);
    clock = MutableClock.atEpochOfTests();
    reconciler =
        new StatefulAutoscalerReconciler(
            client,
            clock,
            new KubernetesEvents(client, clock, "ballast-test"),
            new OperatorMetrics(new SimpleMeterRegistry()));
  }

  static String sas(String name, String spec) {
    return "apiVersion: ballast.dev/v1alpha1\nkind: StatefulAutoscaler\nmetadata:\n  name: "
        + name
        + "\n  uid: uid-"
        + name
        + "\nspec:\n"
        + "  targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}\n"
        + spec.indent(2);
  }

  /** Reconciles (the kubelet catching up in between) until {@code done} holds; the rounds taken. */
  int reconcileUntil(String name, Predicate<StatefulAutoscaler> done, int maxRounds) {
    for (int round = 1; round <= maxRounds; round++) {
      var control = reconciler.reconcile(cluster.get(name), null);
      cluster.kubelet("zk");
      clock.advance(
          control.getScheduleDelay().map(Duration::ofMillis).orElse(Duration.ofSeconds(1)));
      if (done.test(cluster.get(name))) {
        return round;
      }
    }
    throw new AssertionError(
        "not done after " + maxRounds + " reconciles: " + cluster.get(name).getStatus().conditions);
  }

  List<String> eventReasons() {
    return client.v1().events().inNamespace(MockCluster.NS).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  static Optional<Condition> condition(StatefulAutoscaler s, String type) {
    return s.getStatus() == null || s.getStatus().conditions == null
        ? Optional.empty()
        : s.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  @Test
  void specReplicasTakesTheStatefulSetUpOneMemberAtATimeThroughScale() {
    // given: 3 Ready pods and a StatefulAutoscaler asking for 5 (as kubectl scale sas/zk would)
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    cluster.apply(sas("zk", "replicas: 5\nmaxReplicas: 7\nscaleUp: {preflight: false}"));

    // when
    java.util.List<Integer> seen = new java.util.ArrayList<>();
    reconcileUntil(
        "zk",
        s -> {
          seen.add(cluster.replicas("zk"));
          return s.getStatus() != null
              && s.getStatus().operation == null
              && cluster.replicas("zk") == 5;
        },
        200);

    // then: 3 -> 4 -> 5, never a jump; the journal is gone and the history tells the story
    assertThat(seen.stream().distinct().toList()).containsExactly(3, 4, 5);
    StatefulAutoscaler done = cluster.get("zk");
    assertThat(done.getStatus().replicas).isEqualTo(5);
    assertThat(done.getStatus().desiredReplicas).isEqualTo(5);
    assertThat(done.getStatus().selector).isEqualTo("app=zk");
    assertThat(done.getStatus().reference).isEqualTo("StatefulSet/zk");
    assertThat(done.getStatus().history).isNotEmpty();
    assertThat(done.getStatus().history.toString()).contains("SUCCEEDED");
    assertThat(eventReasons()).contains("ScalingStarted", "StageCompleted", "ScaledUp");
    assertThat(condition(done, "Progressing"))
        .get()
        .extracting(Condition::getStatus)
        .isEqualTo("False");
  }

  @Test
  void aSizeAskedWhileAnOperationRunsIsReachedOnceItEnds() {
    // given: a grow 3 -> 5 under way (member 3 started)
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    cluster.apply(sas("zk", "replicas: 5\nmaxReplicas: 7\nscaleUp: {preflight: false}"));
    for (int i = 0; i < 100 && cluster.replicas("zk") < 4; i++) {
      reconciler.reconcile(cluster.get("zk"), null);
      cluster.kubelet("zk");
      clock.advance(Duration.ofMillis(500));
    }
    assertThat(cluster.get("zk").getStatus().operation).isNotNull();

    // when: kubectl scale (or an HPA) writes 3 through /scale while the grow runs
    client
        .resources(StatefulAutoscaler.class)
        .inNamespace(MockCluster.NS)
        .withName("zk")
        .edit(
            s -> {
              s.getSpec().replicas = 3;
              return s;
            });

    // then: the grow ends, and the size written during it is made afterwards, not forgotten
    reconcileUntil("zk", s -> s.getStatus().operation == null && cluster.replicas("zk") == 3, 400);
    assertThat(cluster.get("zk").getStatus().desiredReplicas).isEqualTo(3);
  }

  @Test
  void aFixedSizeWhoseOperationFailedIsRetriedAfterABackOffAndSaysWhy() {
    // given: kubectl scale sas/zk --replicas=4, and member 3 never becomes Ready
    cluster.statefulSet("zk", 3, "500m");
    cluster.readyBelow = 3;
    cluster.kubelet("zk");
    cluster.apply(
        sas("zk", "replicas: 4\nmaxReplicas: 7\nscaleUp: {preflight: false, verifyTimeout: 5s}"));

    // when: the grow fails at VERIFY and is undone
    reconcileUntil(
        "zk",
        s ->
            s.getStatus() != null
                && s.getStatus().operation == null
                && s.getStatus().history != null
                && s.getStatus().history.toString().contains("ROLLED_BACK"),
        400);
    reconciler.reconcile(cluster.get("zk"), null);

    // then: Degraded says why and when the next attempt comes, with an Event; nothing is retried
    // before the back-off
    StatefulAutoscaler failed = cluster.get("zk");
    assertThat(condition(failed, "Degraded"))
        .get()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("ScaleFailed");
              assertThat(c.getMessage()).contains("spec.replicas 4 not reached", "attempt 2 at");
            });
    assertThat(eventReasons()).contains("ScaleFailed").doesNotContain("ScaleRetry");
    assertThat(cluster.replicas("zk")).isEqualTo(3);

    // when: the member can join now and the back-off has passed
    cluster.readyBelow = Integer.MAX_VALUE;
    clock.advance(StatefulAutoscalerReconciler.RETRY_FIRST);
    reconcileUntil("zk", s -> s.getStatus().operation == null && cluster.replicas("zk") == 4, 400);
    reconciler.reconcile(cluster.get("zk"), null);

    // then: asked again, reached, and no longer degraded
    assertThat(eventReasons()).contains("ScaleRetry");
    assertThat(condition(cluster.get("zk"), "Degraded"))
        .get()
        .extracting(Condition::getStatus)
        .isEqualTo("False");
  }

  @Test
  void aRestartedOperatorResumesTheOperationFromTheStatusJournal() {
    // given: an operator that got member 3 started (replicas 4) and was then killed
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    cluster.apply(sas("zk", "replicas: 5\nmaxReplicas: 7\nscaleUp: {preflight: false}"));
    for (int i = 0; i < 100 && cluster.replicas("zk") < 4; i++) {
      reconciler.reconcile(cluster.get("zk"), null);
      clock.advance(Duration.ofMillis(500));
    }
    assertThat(cluster.replicas("zk")).isEqualTo(4);
    String opId = cluster.get("zk").getStatus().operation.path("id").asText();
    assertThat(opId).isNotEmpty();

    // when: a new operator process (nothing kept in memory) reconciles from the stored status
    setUp();
    java.util.List<Integer> seen = new java.util.ArrayList<>();
    reconcileUntil(
        "zk",
        s -> {
          seen.add(cluster.replicas("zk"));
          return s.getStatus().operation == null && cluster.replicas("zk") == 5;
        },
        200);

    // then: the same operation finished; no member was added twice
    assertThat(seen).allMatch(r -> r == 4 || r == 5);
    assertThat(cluster.get("zk").getStatus().history.toString())
        .contains(opId)
        .doesNotContain("ROLLED_BACK");
    assertThat(
            cluster.get("zk").getStatus().history.stream()
                .filter(h -> h.path("kind").asText().equals("DECISION"))
                .filter(h -> h.path("outcome").asText().equals("IN_PROGRESS")))
        .hasSize(1);
  }

  @Test
  void scaleDownDeletesTheClaimsOnlyAfterTheMemberIsGone() {
    // given
    cluster.statefulSet("zk", 4, "500m");
    cluster.kubelet("zk");
    cluster.apply(
        sas("zk", "replicas: 3\nmaxReplicas: 7\nscaleDown: {policy: Allowed, dataPolicy: Delete}"));

    // when
    reconcileUntil(
        "zk",
        s ->
            s.getStatus() != null && s.getStatus().operation == null && cluster.replicas("zk") == 3,
        200);

    // then
    assertThat(client.pods().inNamespace(MockCluster.NS).withName("zk-3").get()).isNull();
    assertThat(
            client.persistentVolumeClaims().inNamespace(MockCluster.NS).withName("data-zk-3").get())
        .isNull();
    assertThat(
            client.persistentVolumeClaims().inNamespace(MockCluster.NS).withName("data-zk-2").get())
        .isNotNull();
    assertThat(eventReasons()).contains("ScaledDown");
  }

  @Test
  void noHotShrinkRefusesAndChangesNothing() {
    // given
    cluster.statefulSet("zk", 5, "500m");
    cluster.kubelet("zk");
    cluster.apply(
        sas(
            "zk",
            "replicas: 3\nminReplicas: 3\nmaxReplicas: 7\nallowedReplicas: [3, 5, 7]\n"
                + "scaleDown: {policy: Disabled}"));

    // when
    for (int i = 0; i < 5; i++) {
      reconciler.reconcile(cluster.get("zk"), null);
      clock.advance(Duration.ofSeconds(20));
    }

    // then
    assertThat(cluster.replicas("zk")).isEqualTo(5);
    assertThat(cluster.get("zk").getStatus().operation).isNull();
    assertThat(eventReasons()).contains("ScalingHeld").doesNotContain("ScalingStarted");
    assertThat(eventReasons().stream().filter("ScalingHeld"::equals)).hasSize(1);
  }

  @Test
  void anInvalidSpecDegradesWithTheFieldNamed() {
    // given: a duration the API server's pattern would have refused, written past it
    cluster.statefulSet("zk", 3, "500m");
    cluster.apply(sas("zk", "replicas: 3\nmaxReplicas: 7\nscaleDown: {drainTimeout: soon}"));

    // when
    reconciler.reconcile(cluster.get("zk"), null);

    // then
    StatefulAutoscaler s = cluster.get("zk");
    assertThat(s.getStatus().phase).isEqualTo("Failed");
    assertThat(condition(s, "Degraded"))
        .get()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("InvalidSpec");
              assertThat(c.getMessage()).contains("spec.scaleDown.drainTimeout");
            });
    assertThat(eventReasons()).containsExactly("InvalidSpec");
    assertThat(cluster.replicas("zk")).isEqualTo(3);
  }

  @Test
  void unavailableMetricsHoldWithScalingActiveFalseRecordedOncePerOutage() {
    // given: a custom metric the (mock) custom metrics API does not serve
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    cluster.apply(
        sas(
            "zk",
            "minReplicas: 3\nmaxReplicas: 7\nsyncPeriod: 15s\nmetrics:\n"
                + "- type: Pods\n  pods: {metric: {name: requests_per_second},"
                + " target: {type: AverageValue, averageValue: '100'}}"));

    // when: three syncs
    for (int i = 0; i < 3; i++) {
      reconciler.reconcile(cluster.get("zk"), null);
      clock.advance(Duration.ofSeconds(16));
    }

    // then
    StatefulAutoscaler s = cluster.get("zk");
    assertThat(cluster.replicas("zk")).isEqualTo(3);
    assertThat(condition(s, "ScalingActive"))
        .get()
        .extracting(Condition::getStatus)
        .isEqualTo("False");
    assertThat(eventReasons().stream().filter("MetricsUnavailable"::equals)).hasSize(1);
    assertThat(s.getStatus().history.toString()).contains("METRICS_UNAVAILABLE");
    assertThat(
            s.getStatus().history.stream()
                .filter(h -> h.toString().contains("METRICS_UNAVAILABLE")))
        .hasSize(1);
  }

  @Test
  void aCustomMetricAboveItsTargetGrowsTheStatefulSetToTheNextAllowedSize() {
    // given: custom.metrics.k8s.io reports 180 requests/s on each of 3 pods, against 100
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    StringBuilder items = new StringBuilder();
    for (int k = 0; k < 3; k++) {
      items
          .append(k == 0 ? "" : ",")
          .append("{\"describedObject\":{\"kind\":\"Pod\",\"name\":\"zk-")
          .append(k)
          .append("\"},\"metricName\":\"requests_per_second\",\"value\":\"180\"}");
    }
    server
        .expect()
        .get()
        .withPath(
            "/apis/custom.metrics.k8s.io/v1beta1/namespaces/test/pods/*/requests_per_second"
                + "?labelSelector=app%3Dzk")
        .andReturn(200, "{\"kind\":\"MetricValueList\",\"items\":[" + items + "]}")
        .always();
    cluster.apply(
        sas(
            "zk",
            "minReplicas: 3\nmaxReplicas: 7\nallowedReplicas: [3, 5, 7]\n"
                + "scaleUp: {preflight: false}\nmetrics:\n"
                + "- type: Pods\n  pods: {metric: {name: requests_per_second},"
                + " target: {type: AverageValue, averageValue: '100'}}"));

    // when: the first sync decides
    reconciler.reconcile(cluster.get("zk"), null);

    // then: the HPA asks for 6 (3 x 180 / 100, rounded up), the allowed sizes make it 7
    StatefulAutoscaler s = cluster.get("zk");
    assertThat(s.getStatus().desiredReplicas).isEqualTo(7);
    assertThat(s.getStatus().targets).isEqualTo("180/100");

    // when: the operation runs
    java.util.List<Integer> seen = new java.util.ArrayList<>();
    reconcileUntil(
        "zk",
        x -> {
          seen.add(cluster.replicas("zk"));
          return x.getStatus().operation == null && cluster.replicas("zk") == 7;
        },
        400);

    // then: one member at a time
    assertThat(seen.stream().distinct().toList()).containsExactly(3, 4, 5, 6, 7);
    s = cluster.get("zk");
    assertThat(s.getStatus().currentMetrics).hasSize(1);
    assertThat(condition(s, "ScalingActive"))
        .get()
        .extracting(Condition::getStatus)
        .isEqualTo("True");
    assertThat(eventReasons()).contains("ScaledUp");
  }

  @Test
  void aContainerResourceMetricUsesOnlyTheNamedContainerAndCountsAPodWithoutItAsMissing() {
    // given: pods with a "main" (500m requested) and a busy "sidecar" (500m); zk-2's metrics lack
    // main
    cluster.statefulSet("zk", 3, "500m");
    client
        .apps()
        .statefulSets()
        .inNamespace(MockCluster.NS)
        .withName("zk")
        .edit(
            sts -> {
              sts.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .add(
                      new io.fabric8.kubernetes.api.model.ContainerBuilder()
                          .withName("sidecar")
                          .withNewResources()
                          .addToRequests(
                              "cpu", new io.fabric8.kubernetes.api.model.Quantity("500m"))
                          .endResources()
                          .build());
              return sts;
            });
    cluster.kubelet("zk");
    server
        .expect()
        .get()
        .withPath("/apis/metrics.k8s.io/v1beta1/namespaces/test/pods")
        .andReturn(
            200,
            "{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"items\":["
                + podMetrics("zk-0", true)
                + ","
                + podMetrics("zk-1", true)
                + ","
                + podMetrics("zk-2", false)
                + "]}")
        .always();
    cluster.apply(
        sas(
            "zk",
            "minReplicas: 3\nmaxReplicas: 7\nscaleUp: {preflight: false}\nmetrics:\n"
                + "- type: ContainerResource\n  containerResource: {name: cpu, container: main,"
                + " target: {type: Utilization, averageUtilization: 50}}"));

    // when
    reconciler.reconcile(cluster.get("zk"), null);

    // then: main runs at 450m/500m = 90% on zk-0 and zk-1 (the sidecar's 500m is not counted);
    // zk-2, missing, counts as 0% on a scale-up: 900m/1500m = 60%, ratio 1.2, 3 x 1.2 -> 4
    StatefulAutoscaler s = cluster.get("zk");
    assertThat(condition(s, "ScalingActive"))
        .get()
        .extracting(Condition::getStatus)
        .isEqualTo("True");
    assertThat(s.getStatus().desiredReplicas).isEqualTo(4);
  }

  @Test
  void aFailedPodIsSetAsideBeforeMissingPodsAreCounted() {
    // given: 3 pods; zk-0 and zk-1 use 200m against an average of 500m, and zk-2, whose phase is
    // Failed, has no metrics
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    // (the mock API server drops a deletionTimestamp; a Failed phase is kept)
    client.pods().inNamespace(MockCluster.NS).withName("zk-2").delete();
    var failed = MockCluster.readyPod("zk", 2);
    failed.getStatus().setPhase("Failed");
    client.pods().inNamespace(MockCluster.NS).resource(failed).create();
    assertThat(client.pods().inNamespace(MockCluster.NS).withName("zk-2").get().getStatus())
        .extracting(io.fabric8.kubernetes.api.model.PodStatus::getPhase)
        .isEqualTo("Failed");
    String cpu200 = "{\"name\":\"main\",\"usage\":{\"cpu\":\"200m\"}}";
    server
        .expect()
        .get()
        .withPath("/apis/metrics.k8s.io/v1beta1/namespaces/test/pods")
        .andReturn(
            200,
            "{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"items\":["
                + podMetrics("zk-0", cpu200)
                + ","
                + podMetrics("zk-1", cpu200)
                + "]}")
        .always();
    cluster.apply(
        sas(
            "zk",
            "minReplicas: 1\nmaxReplicas: 7\nmetrics:\n"
                + "- type: Resource\n  resource: {name: cpu,"
                + " target: {type: AverageValue, averageValue: 500m}}\n"
                + "behavior:\n  scaleDown: {stabilizationWindowSeconds: 0}"));

    // when
    reconciler.reconcile(cluster.get("zk"), null);

    // then: as the HPA's replica calculator, zk-2 is ignored, not missing: 400m over 2 pods is a
    // ratio of 0.4, ceil(0.4 x 2) = 1 (counted as missing, at 100 % on a scale-down, it would be
    // (200 + 200 + 500) / 3 = 300m, ratio 0.6, ceil(0.6 x 3) = 2)
    StatefulAutoscaler s = cluster.get("zk");
    assertThat(condition(s, "ScalingActive"))
        .get()
        .extracting(Condition::getStatus)
        .isEqualTo("True");
    assertThat(s.getStatus().desiredReplicas)
        .as(io.fabric8.kubernetes.client.utils.Serialization.asJson(s.getStatus()))
        .isEqualTo(1);
  }

  @Test
  void verticalAdviceFollowsTheServedUsageSurvivesMissingMetricsAndANewLeader() {
    // given: 3 members at a fixed size asking for vertical advice, and a metrics API whose usage
    // (or failure) the test sets
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    ServedPodMetrics metrics = new ServedPodMetrics();
    server
        .expect()
        .get()
        .withPath("/apis/metrics.k8s.io/v1beta1/namespaces/test/pods")
        .andReply(metrics)
        .always();
    cluster.apply(sas("zk", "replicas: 3\nmaxReplicas: 7\nsyncPeriod: 15s\nverticalAdvice: {}"));
    java.util.List<dev.ballast.core.vertical.VerticalRecommender.Sample> served =
        new java.util.ArrayList<>();

    // when: three windows of usage, one per sync
    for (int window = 0; window < 3; window++) {
      served.addAll(metrics.window(window));
      syncOnce();
    }

    // then: the advice is the core recommender's for the same 9 samples, beside the requests
    dev.ballast.crd.v1alpha1.VerticalAdviceStatus.ContainerAdvice main = mainAdvice();
    assertThat(main.samples).isEqualTo(9);
    assertThat(main.requests).containsKeys("cpu", "memory");
    VerticalAdviceAssert.showsTheRecommendation(
        main, served, dev.ballast.core.vertical.VerticalSettings.defaults());
    assertThat(cluster.get("zk").getStatus().verticalAdvice.reason).isEqualTo("Observing");

    // when: the metrics API fails
    metrics.failing = true;
    syncOnce();

    // then: the advice is unchanged, the reason says why, and the reconcile went on
    StatefulAutoscaler failed = cluster.get("zk");
    assertThat(failed.getStatus().verticalAdvice.reason).isEqualTo("MetricsUnavailable");
    assertThat(failed.getStatus().verticalAdvice.message).contains("503");
    assertThat(mainAdvice().samples).isEqualTo(9);
    VerticalAdviceAssert.showsTheRecommendation(
        mainAdvice(), served, dev.ballast.core.vertical.VerticalSettings.defaults());
    assertThat(failed.getStatus().phase).isEqualTo("Idle");
    assertThat(condition(failed, "Degraded"))
        .get()
        .extracting(Condition::getStatus)
        .isEqualTo("False");

    // when: a new leader (a reconciler with no memory) takes over and sees one more window
    metrics.failing = false;
    reconciler =
        new StatefulAutoscalerReconciler(
            client,
            clock,
            new KubernetesEvents(client, clock, "ballast-test"),
            new OperatorMetrics(new SimpleMeterRegistry()));
    served.addAll(metrics.window(3));
    syncOnce();

    // then: it resumed the histograms: the advice is the recommender's for all 12 samples
    assertThat(mainAdvice().samples).isEqualTo(12);
    VerticalAdviceAssert.showsTheRecommendation(
        mainAdvice(), served, dev.ballast.core.vertical.VerticalSettings.defaults());
  }

  /** Reconciles once with a sync due, then lets the sync period pass. */
  private void syncOnce() {
    reconciler.reconcile(cluster.get("zk"), null);
    cluster.kubelet("zk");
    clock.advance(Duration.ofSeconds(15));
  }

  private dev.ballast.crd.v1alpha1.VerticalAdviceStatus.ContainerAdvice mainAdvice() {
    var status = cluster.get("zk").getStatus().verticalAdvice;
    assertThat(status).as("status.verticalAdvice").isNotNull();
    return status.containers.stream()
        .filter(c -> c.containerName.equals("main"))
        .findFirst()
        .orElseThrow();
  }

  /** A metrics.k8s.io PodMetrics list the test sets window by window, or a 503. */
  static final class ServedPodMetrics
      implements io.fabric8.mockwebserver.utils.ResponseProvider<Object> {
    volatile String body = "{\"kind\":\"PodMetricsList\",\"items\":[]}";
    volatile boolean failing;
    private io.fabric8.mockwebserver.http.Headers headers =
        new io.fabric8.mockwebserver.http.Headers.Builder().build();

    /** Serves window {@code w} of the 3 pods (varied cpu and memory); the samples served. */
    List<dev.ballast.core.vertical.VerticalRecommender.Sample> window(int w) {
      java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z").plusSeconds(15L * w);
      List<String> items = new java.util.ArrayList<>();
      List<dev.ballast.core.vertical.VerticalRecommender.Sample> samples =
          new java.util.ArrayList<>();
      for (int p = 0; p < 3; p++) {
        int milli = 120 + 40 * ((w + p) % 3) + 7 * w;
        int mib = 300 + 25 * p + 3 * w;
        items.add(
            "{\"metadata\":{\"name\":\"zk-%d\",\"namespace\":\"test\"},\"timestamp\":\"%s\",\"window\":\"15s\",\"containers\":[{\"name\":\"main\",\"usage\":{\"cpu\":\"%dm\",\"memory\":\"%dMi\"}}]}"
                .formatted(p, t, milli, mib));
        samples.add(
            new dev.ballast.core.vertical.VerticalRecommender.Sample(
                p, t, milli / 1000.0, mib * 1024.0 * 1024.0));
      }
      body =
          "{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"items\":["
              + String.join(",", items)
              + "]}";
      return samples;
    }

    @Override
    public Object getBody(io.fabric8.mockwebserver.http.RecordedRequest request) {
      return failing ? "{\"kind\":\"Status\",\"code\":503}" : body;
    }

    @Override
    public int getStatusCode(io.fabric8.mockwebserver.http.RecordedRequest request) {
      return failing ? 503 : 200;
    }

    @Override
    public io.fabric8.mockwebserver.http.Headers getHeaders() {
      return headers;
    }

    @Override
    public void setHeaders(io.fabric8.mockwebserver.http.Headers headers) {
      this.headers = headers;
    }
  }

  private static String podMetrics(String pod, String containers) {
    return "{\"metadata\":{\"name\":\""
        + pod
        + "\",\"namespace\":\"test\"},\"timestamp\":\"2026-01-01T00:00:00Z\",\"window\":\"15s\","
        + "\"containers\":["
        + containers
        + "]}";
  }

  private static String podMetrics(String pod, boolean withMain) {
    String sidecar = "{\"name\":\"sidecar\",\"usage\":{\"cpu\":\"500m\"}}";
    String main = "{\"name\":\"main\",\"usage\":{\"cpu\":\"450m\"}}";
    return "{\"metadata\":{\"name\":\""
        + pod
        + "\",\"namespace\":\"test\"},\"timestamp\":\"2026-01-01T00:00:00Z\",\"window\":\"15s\","
        + "\"containers\":["
        + (withMain ? main + "," : "")
        + sidecar
        + "]}";
  }

  @Test
  void aNewLeaderKeepsTheHpaMemorySoARatePolicyStillHolds() {
    // given: 3 pods at 180 requests/s against 100 (the HPA wants 6), a rate policy of one pod per
    // 10 minutes, and a leader that has grown the StatefulSet 3 -> 4
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    StringBuilder items = new StringBuilder();
    for (int k = 0; k < 4; k++) {
      items
          .append(k == 0 ? "" : ",")
          .append("{\"describedObject\":{\"kind\":\"Pod\",\"name\":\"zk-")
          .append(k)
          .append("\"},\"metricName\":\"requests_per_second\",\"value\":\"180\"}");
    }
    server
        .expect()
        .get()
        .withPath(
            "/apis/custom.metrics.k8s.io/v1beta1/namespaces/test/pods/*/requests_per_second"
                + "?labelSelector=app%3Dzk")
        .andReturn(200, "{\"kind\":\"MetricValueList\",\"items\":[" + items + "]}")
        .always();
    cluster.apply(
        sas(
            "zk",
            "minReplicas: 3\nmaxReplicas: 7\nscaleUp: {preflight: false}\nmetrics:\n"
                + "- type: Pods\n  pods: {metric: {name: requests_per_second},"
                + " target: {type: AverageValue, averageValue: '100'}}\n"
                + "behavior:\n  scaleUp:\n    stabilizationWindowSeconds: 0\n"
                + "    policies: [{type: Pods, value: 1, periodSeconds: 600}]"));
    reconcileUntil("zk", s -> s.getStatus().operation == null && cluster.replicas("zk") == 4, 400);
    assertThat(cluster.get("zk").getStatus().hpaMemory.scaleUpEvents).hasSize(1);

    // when: the leader goes; a new one (nothing in memory) syncs a period later
    StatefulAutoscalerReconciler newLeader =
        new StatefulAutoscalerReconciler(
            client,
            clock,
            new KubernetesEvents(client, clock, "ballast-test"),
            new OperatorMetrics(new SimpleMeterRegistry()));
    clock.advance(Duration.ofSeconds(16));
    newLeader.reconcile(cluster.get("zk"), null);

    // then: the scale-up made 10 minutes ago still counts: no second pod yet
    StatefulAutoscaler s = cluster.get("zk");
    assertThat(s.getStatus().desiredReplicas).isEqualTo(4);
    assertThat(s.getStatus().operation).isNull();
    assertThat(cluster.replicas("zk")).isEqualTo(4);
  }

  @Test
  void anExternalEditOfTheReplicasIsRecordedAndPlannedFrom() {
    // given: the operator has seen 3
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    cluster.apply(sas("zk", "replicas: 3\nmaxReplicas: 7"));
    reconciler.reconcile(cluster.get("zk"), null);
    assertThat(cluster.get("zk").getStatus().observedTargetReplicas).isEqualTo(3);

    // when: someone scales the StatefulSet to 4 behind Ballast's back
    client.apps().statefulSets().inNamespace(MockCluster.NS).withName("zk").scale(4);
    cluster.kubelet("zk");
    clock.advance(Duration.ofSeconds(16));
    reconcileUntil("zk", s -> s.getStatus().operation == null && cluster.replicas("zk") == 3, 200);

    // then: recorded, then brought back to spec.replicas from 4, safely
    assertThat(eventReasons()).contains("ExternalReplicasEdit", "ScaledDown");
    assertThat(cluster.get("zk").getStatus().history.toString())
        .contains("replicas changed outside Ballast from 3 to 4");
  }

  @Test
  void anExternalEditAfterTheOperatorReachedTheSpecIsPlannedFromToo() {
    // given: the operator took the StatefulSet 3 -> 4 for spec.replicas 4
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    cluster.apply(sas("zk", "replicas: 4\nmaxReplicas: 7\nscaleUp: {preflight: false}"));
    reconcileUntil("zk", s -> s.getStatus().operation == null && cluster.replicas("zk") == 4, 200);

    // when: someone scales the StatefulSet to 5 behind Ballast's back
    client.apps().statefulSets().inNamespace(MockCluster.NS).withName("zk").scale(5);
    cluster.kubelet("zk");
    clock.advance(Duration.ofSeconds(16));
    reconcileUntil("zk", s -> s.getStatus().operation == null && cluster.replicas("zk") == 4, 200);

    // then: the same spec.replicas is asked again, from 5
    assertThat(eventReasons()).contains("ExternalReplicasEdit", "ScaledDown");
    assertThat(cluster.get("zk").getStatus().history.toString())
        .contains("replicas changed outside Ballast from 4 to 5");
  }

  @Test
  void aPausedResourceChangesNothing() {
    // given
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    StatefulAutoscaler created = cluster.apply(sas("zk", "replicas: 5\nmaxReplicas: 7"));
    created.getMetadata().getAnnotations().put(StatefulAutoscaler.PAUSE_ANNOTATION, "true");
    client.resource(created).update();

    // when
    reconciler.reconcile(cluster.get("zk"), null);
    reconciler.reconcile(cluster.get("zk"), null);

    // then
    assertThat(cluster.replicas("zk")).isEqualTo(3);
    assertThat(cluster.get("zk").getStatus().phase).isEqualTo("Paused");
    assertThat(eventReasons()).containsExactly("Paused");
  }

  /**
   * A reconciler reading through {@link InformerReads} as the running operator does, its
   * StatefulSet and pod caches replaced by reads of the mock.
   */
  StatefulAutoscalerReconciler informerReconciler() {
    InformerReads reads =
        new InformerReads(
            client,
            id ->
                Optional.ofNullable(
                    client
                        .apps()
                        .statefulSets()
                        .inNamespace(id.getNamespace().orElseThrow())
                        .withName(id.getName())
                        .get()),
            id ->
                Optional.ofNullable(
                    client
                        .pods()
                        .inNamespace(id.getNamespace().orElseThrow())
                        .withName(id.getName())
                        .get()));
    return new StatefulAutoscalerReconciler(
        client,
        reads,
        clock,
        new KubernetesEvents(client, clock, "ballast-test"),
        new OperatorMetrics(new SimpleMeterRegistry()));
  }

  /**
   * A JOSDK context whose event source retriever fails on any use: no informer may be registered
   * (none is, for a StatefulSet target and Nodes the operator may not watch).
   */
  @SuppressWarnings("unchecked")
  static Context<StatefulAutoscaler> noRegistrationContext() {
    Object retriever =
        Proxy.newProxyInstance(
            StatefulAutoscalerReconcilerIT.class.getClassLoader(),
            new Class<?>[] {EventSourceRetriever.class},
            (proxy, method, args) -> {
              throw new UnsupportedOperationException("no registration expected: " + method);
            });
    return (Context<StatefulAutoscaler>)
        Proxy.newProxyInstance(
            StatefulAutoscalerReconcilerIT.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) -> {
              if (method.getName().equals("eventSourceRetriever")) {
                return retriever;
              }
              throw new UnsupportedOperationException("not expected: " + method);
            });
  }

  /** SelfSubjectAccessReviews allow {@code granted} ({@code verb resource}), nothing else. */
  void grantOnly(String... granted) {
    MockCluster.answerAccessReviews(server, List.of(granted)::contains, asked -> {});
  }

  List<Event> events(String reason) {
    return client.v1().events().inNamespace(MockCluster.NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  @Test
  void withoutWatchOnNodesOneEventNamesThePermission() {
    // given: a resource sized by the Nodes; the operator may list Nodes, not watch them
    grantOnly("list nodes");
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    cluster.apply(
        sas(
            "zk",
            "maxReplicas: 5\nsizeByNodes: {tiers: [{atLeast: 1, replicas: 4}], otherwise: 3}"));
    StatefulAutoscalerReconciler informed = informerReconciler();

    // when: reconciled three times
    for (int k = 0; k < 3; k++) {
      informed.reconcile(cluster.get("zk"), noRegistrationContext());
      clock.advance(Duration.ofSeconds(20));
    }

    // then: one Event on it names the permission, and the Nodes are still read (listed)
    assertThat(events("NodesNotCached"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getInvolvedObject().getName()).isEqualTo("zk");
              assertThat(e.getMessage()).contains("grant list and watch on nodes");
            });
    assertThat(cluster.get("zk").getStatus().phase).isIn("Idle", "Scaling");
  }

  /** Sets or removes the pause annotation of {@code name}. */
  void pause(String name, boolean paused) {
    StatefulAutoscaler sas = cluster.get(name);
    if (paused) {
      sas.getMetadata().getAnnotations().put(StatefulAutoscaler.PAUSE_ANNOTATION, "true");
    } else {
      sas.getMetadata().getAnnotations().remove(StatefulAutoscaler.PAUSE_ANNOTATION);
    }
    client.resource(sas).update();
  }

  @Test
  void aOneTimeEventIsNotRepeatedWhenAnotherComesInBetweenButIsOncePerOutage() {
    // given: Nodes listed at each read (NodesNotCached at every reconcile's check)
    grantOnly("list nodes");
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    cluster.apply(
        sas(
            "zk",
            "maxReplicas: 5\nsizeByNodes: {tiers: [{atLeast: 1, replicas: 4}], otherwise: 3}"));
    StatefulAutoscalerReconciler informed = informerReconciler();

    // when: reconciled, then paused (Paused, another one-time Event) for two reconciles, then
    // resumed, then paused again (a second pause: a new outage)
    informed.reconcile(cluster.get("zk"), noRegistrationContext());
    pause("zk", true);
    informed.reconcile(cluster.get("zk"), noRegistrationContext());
    informed.reconcile(cluster.get("zk"), noRegistrationContext());
    pause("zk", false);
    informed.reconcile(cluster.get("zk"), noRegistrationContext());
    pause("zk", true);
    informed.reconcile(cluster.get("zk"), noRegistrationContext());

    // then: NodesNotCached once (the outage lasts), Paused once per pause
    assertThat(events("NodesNotCached")).hasSize(1);
    assertThat(events("Paused")).hasSize(2);
  }
}
