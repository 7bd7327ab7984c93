package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.vertical.VerticalRecommender;
import dev.ballast.core.vertical.VerticalSettings;
import dev.ballast.crd.v1alpha1.VerticalAdviceStatus;
import dev.ballast.operator.metrics.PodMetricsSource.ContainerUsage;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Usage samples to status.verticalAdvice: the mapping, the checkpoint, missing metrics. */
class VerticalAdviceTrackerTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final double MIB = 1024 * 1024;
  private static final List<String> PODS = List.of("zk-0", "zk-1", "zk-2");

  /** Round {@code r}'s usage of pod {@code p}: main busy and varied, the sidecar idle. */
  private static List<ContainerUsage> round(int r) {
    List<ContainerUsage> out = new ArrayList<>();
    Instant t = T0.plusSeconds(15L * r);
    for (int p = 0; p < PODS.size(); p++) {
      out.add(
          new ContainerUsage(
              PODS.get(p), "main", t, 0.2 + 0.05 * ((r + p) % 4), (300 + 20 * p + r) * MIB));
      out.add(new ContainerUsage(PODS.get(p), "sidecar", t, 0.002, 20 * MIB));
    }
    return out;
  }

  private static List<VerticalRecommender.Sample> samples(List<ContainerUsage> usage) {
    return usage.stream()
        .filter(u -> u.container().equals("main"))
        .map(
            u ->
                new VerticalRecommender.Sample(
                    PODS.indexOf(u.pod()), u.time(), u.cpuCores(), u.memoryBytes()))
        .toList();
  }

  @Test
  void mapsUsageToTheRecommendersRequestsPerContainerBesideTheCurrentRequests() {
    // given
    VerticalAdviceTracker tracker = new VerticalAdviceTracker(VerticalSettings.defaults(), null);
    List<ContainerUsage> all = new ArrayList<>();

    // when
    for (int r = 0; r < 7; r++) {
      tracker.observe(round(r), PODS);
      all.addAll(round(r));
    }
    VerticalAdviceStatus s = tracker.status(Map.of("main", Map.of("cpu", new Quantity("250m"))));

    // then: main's figures are the core recommender's for the same 21 samples, rounded up to 1m
    // and 1Mi; the idle sidecar gets the minimums (25m, 250Mi)
    VerticalRecommender.Advice expected =
        new VerticalRecommender(VerticalSettings.defaults()).recommend(samples(all)).all();
    assertThat(s.reason).isEqualTo("Observing");
    assertThat(s.applied).isFalse();
    assertThat(s.containers).extracting(a -> a.containerName).containsExactly("main", "sidecar");
    VerticalAdviceStatus.ContainerAdvice main = s.containers.get(0);
    assertThat(main.samples).isEqualTo(21);
    assertThat(main.firstSampleTime).isEqualTo(T0.toString());
    assertThat(main.lastSampleTime).isEqualTo(T0.plusSeconds(90).toString());
    assertThat(main.requests).containsEntry("cpu", new Quantity("250m"));
    VerticalAdviceAssert.showsTheRecommendation(main, samples(all), VerticalSettings.defaults());
    assertThat(expected.cpu().lower()).isLessThan(expected.cpu().upper());
    VerticalAdviceStatus.ContainerAdvice sidecar = s.containers.get(1);
    assertThat(sidecar.target)
        .containsEntry("cpu", new Quantity("25m"))
        .containsEntry("memory", new Quantity("250Mi"));
    assertThat(sidecar.requests).isNull();
  }

  @Test
  void aPodsSampleCountsOnceAndAPodNoLongerAMemberIsForgotten() {
    // given
    VerticalAdviceTracker tracker = new VerticalAdviceTracker(VerticalSettings.defaults(), null);
    tracker.observe(round(0), PODS);

    // when: the metrics API reports the same window again, then zk-2 is no longer a member
    tracker.observe(round(0), PODS);
    VerticalAdviceStatus again = tracker.status(Map.of());
    tracker.observe(round(1), List.of("zk-0", "zk-1"));
    VerticalAdviceStatus shrunk = tracker.status(Map.of());

    // then
    assertThat(again.reason).isEqualTo("Observing");
    assertThat(again.message).isEqualTo("no usage newer than the samples already counted");
    assertThat(again.containers.get(0).samples).isEqualTo(3);
    assertThat(shrunk.containers.get(0).samples).isEqualTo(5);
    assertThat(shrunk.checkpoint.path("pods").size()).isEqualTo(2);
  }

  @Test
  void aNewLeaderResumingTheCheckpointGivesTheSameAdvice() {
    // given: the old leader's status, through JSON as the API server keeps it
    VerticalAdviceTracker old = new VerticalAdviceTracker(VerticalSettings.defaults(), null);
    for (int r = 0; r < 5; r++) {
      old.observe(round(r), PODS);
    }
    VerticalAdviceStatus saved =
        Serialization.unmarshal(
            Serialization.asJson(old.status(Map.of())), VerticalAdviceStatus.class);

    // when: a new leader starts from it, and both see the same new usage (and the old round again)
    VerticalAdviceTracker fresh = new VerticalAdviceTracker(VerticalSettings.defaults(), saved);
    for (VerticalAdviceTracker t : List.of(old, fresh)) {
      t.observe(round(4), PODS);
      t.observe(round(5), PODS);
    }

    // then: the same histograms, hence the same advice, samples and times
    assertThat(Serialization.asJson(fresh.status(Map.of())))
        .isEqualTo(Serialization.asJson(old.status(Map.of())));
    assertThat(fresh.status(Map.of()).containers.get(0).samples).isEqualTo(18);
  }

  @Test
  void missingMetricsKeepTheAdviceAndSayWhy() {
    // given
    VerticalAdviceTracker tracker = new VerticalAdviceTracker(VerticalSettings.defaults(), null);
    tracker.observe(round(0), PODS);
    VerticalAdviceStatus before = tracker.status(Map.of());

    // when
    tracker.unavailable("metrics.k8s.io PodMetrics in test: 503 Service Unavailable");
    VerticalAdviceStatus after = tracker.status(Map.of());

    // then
    assertThat(after.reason).isEqualTo("MetricsUnavailable");
    assertThat(after.message).contains("503 Service Unavailable").contains("unchanged");
    assertThat(Serialization.asJson(after.containers))
        .isEqualTo(Serialization.asJson(before.containers));
    assertThat(after.checkpoint).isEqualTo(before.checkpoint);
  }

  @Test
  void aCheckpointOfAnotherHalfLifeOrAnUnreadableOneStartsOver() {
    // given
    VerticalAdviceTracker old = new VerticalAdviceTracker(VerticalSettings.defaults(), null);
    old.observe(round(0), PODS);
    VerticalAdviceStatus saved = old.status(Map.of());
    VerticalAdviceStatus corrupt = old.status(Map.of());
    ((ObjectNode) corrupt.checkpoint.path("containers").path("main").path("cpu"))
        .put("reference", "yesterday");
    VerticalSettings hourly =
        new VerticalSettings(0.9, 0.5, 0.95, 0.15, 0.025, 250 * MIB, Duration.ofHours(1));

    // when
    VerticalAdviceTracker otherHalfLife = new VerticalAdviceTracker(hourly, saved);
    VerticalAdviceTracker unreadable =
        new VerticalAdviceTracker(VerticalSettings.defaults(), corrupt);

    // then
    assertThat(otherHalfLife.status(Map.of()).containers).isEmpty();
    assertThat(unreadable.status(Map.of()).containers).isEmpty();
  }

  @Test
  void theCheckpointIsBoundedByTheContainerLimitAndTheBuckets() {
    // given: 12 containers, each with a sample in every bucket of both histograms
    VerticalAdviceTracker tracker = new VerticalAdviceTracker(VerticalSettings.defaults(), null);
    for (int i = 0; i < 260; i++) {
      List<ContainerUsage> usage = new ArrayList<>();
      for (int c = 0; c < 12; c++) {
        usage.add(
            new ContainerUsage(
                "zk-0",
                "c" + (c < 10 ? "0" : "") + c,
                T0.plusSeconds(i),
                0.005 * Math.pow(1.05, i),
                5e6 * Math.pow(1.05, i)));
      }
      tracker.observe(usage, List.of("zk-0"));
    }

    // when
    VerticalAdviceStatus s = tracker.status(Map.of());
    int bytes = Serialization.asJson(s.checkpoint).length();

    // then: 8 containers; every histogram full (175 buckets): the worst case, well under 100 kB
    assertThat(s.containers).hasSize(VerticalAdviceStatus.CONTAINER_LIMIT);
    s.checkpoint
        .path("containers")
        .forEach(
            c -> {
              assertThat(c.path("cpu").path("weights").size()).isEqualTo(175);
              assertThat(c.path("memory").path("weights").size()).isEqualTo(175);
            });
    assertThat(bytes).isLessThan(100_000);
    LoggerFactory.getLogger(VerticalAdviceTrackerTest.class)
        .info("figures worstCaseVerticalCheckpointBytes={}", bytes);
  }
}
