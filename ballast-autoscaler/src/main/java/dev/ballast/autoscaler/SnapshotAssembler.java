package dev.ballast.autoscaler;

import dev.ballast.core.decide.model.CustomMetricValue;
import dev.ballast.core.decide.model.ExternalMetricValue;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.PodInfo;
import dev.ballast.core.decide.model.PodUsage;
import dev.ballast.core.decide.model.ScaleTarget;
import dev.ballast.core.decide.model.Snapshot;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates the members of a cluster into the decision engine's snapshot, the way the HPA sees
 * pods: each member is a pod named {@code member-<ordinal>}, ready when it is a healthy voting
 * member; a {@code Pods} metric's per-member values become custom metric values, CPU becomes pod
 * usage against the spec's cpu request, an {@code External} metric's values summed become its one
 * series. No arithmetic beyond units.
 */
final class SnapshotAssembler {
  /** Members that serve are taken to have started long before (past the CPU warm-up rules). */
  private static final Duration SERVING_SINCE = Duration.ofHours(1);

  private SnapshotAssembler() {}

  static String podName(int ordinal) {
    return "member-" + ordinal;
  }

  static Snapshot assemble(
      Instant now,
      AutoscaleSpec spec,
      List<Member> members,
      Set<Integer> ready,
      Map<String, MetricSample> samples,
      History history) {
    Snapshot.Builder b =
        Snapshot.builder()
            .now(now)
            .controller(spec.controller())
            .autoscaler(spec.autoscaler())
            .scale(ScaleTarget.of(members.size()))
            .history(history);
    Map<String, Long> requests = Map.of("cpu", spec.cpuRequestMilli());
    Instant since = now.minus(SERVING_SINCE);
    for (Member m : members) {
      PodInfo pod = PodInfo.running(podName(m.ordinal()), since, requests);
      if (!ready.contains(m.ordinal())) {
        pod =
            new PodInfo(
                pod.name(),
                PodInfo.Phase.RUNNING,
                false,
                now,
                PodInfo.ReadyCondition.notReady(now),
                pod.containers());
      }
      b.pod(pod);
    }
    for (MetricSpec metric : spec.autoscaler().metrics()) {
      MetricSample sample = samples.get(sourceName(metric));
      if (sample == null) {
        continue;
      }
      if (metric instanceof MetricSpec.External) {
        // A cluster-wide value (an external metrics API, a Prometheus query): one series, the
        // sum of what the source reported, as the HPA sums every matching series.
        double total = sample.byOrdinal().values().stream().mapToDouble(Double::doubleValue).sum();
        b.externalMetric(
            new ExternalMetricValue(
                metric.name(), Map.of(), sample.timestamp(), Math.round(total * 1000)));
        continue;
      }
      for (var e : sample.byOrdinal().entrySet()) {
        long milli = Math.round(e.getValue() * 1000);
        String pod = podName(e.getKey());
        if (metric instanceof MetricSpec.Resource r) {
          b.podUsage(PodUsage.of(pod, sample.timestamp(), spec.syncPeriod(), r.resource(), milli));
        } else {
          b.customMetric(CustomMetricValue.forPod(pod, metric.name(), sample.timestamp(), milli));
        }
      }
    }
    return b.build();
  }

  /** The name a metric is read by from the member metric source. */
  static String sourceName(MetricSpec metric) {
    return metric.name();
  }
}
