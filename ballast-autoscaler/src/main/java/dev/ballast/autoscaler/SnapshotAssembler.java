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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Translates the members of a cluster into the decision engine's snapshot, the way the HPA sees
 * pods: each member is a pod named {@code member-<ordinal>}, ready when it is a healthy voting
 * member, failed or being deleted as its pod (which the HPA sets aside); a {@code Pods} metric's
 * per-member values become custom metric values, CPU becomes pod usage against the spec's cpu
 * request, an {@code External} metric's values summed become its one series. No arithmetic beyond
 * units.
 */
final class SnapshotAssembler {
  /** Members that serve are taken to have started long before (past the CPU warm-up rules). */
  private static final Duration SERVING_SINCE = Duration.ofHours(1);

  /** The container that stands for a pod's containers that no metric names. */
  static final String REST = "app";

  /** The label naming the container in a {@code ContainerResource} metric's source name. */
  static final String CONTAINER_LABEL = "container";

  private SnapshotAssembler() {}

  /** The members whose pods failed, and those whose pods are being deleted (by ordinal). */
  record SetAside(Set<Integer> failed, Set<Integer> deleting) {
    static final SetAside NONE = new SetAside(Set.of(), Set.of());

    SetAside {
      failed = Set.copyOf(failed);
      deleting = Set.copyOf(deleting);
    }
  }

  static String podName(int ordinal) {
    return "member-" + ordinal;
  }

  static Snapshot assemble(
      Instant now,
      AutoscaleSpec spec,
      List<Member> members,
      Set<Integer> ready,
      SetAside setAside,
      Map<String, MetricSample> samples,
      History history) {
    Snapshot.Builder b =
        Snapshot.builder()
            .now(now)
            .controller(spec.controller())
            .autoscaler(spec.autoscaler())
            .scale(ScaleTarget.of(members.size()))
            .history(history);
    Set<String> named = new LinkedHashSet<>();
    for (MetricSpec metric : spec.autoscaler().metrics()) {
      if (metric instanceof MetricSpec.ContainerResource c) {
        named.add(c.container());
      }
    }
    List<PodInfo.ContainerRequests> requests = containerRequests(spec, named);
    Instant since = now.minus(SERVING_SINCE);
    for (Member m : members) {
      PodInfo pod =
          new PodInfo(
              podName(m.ordinal()),
              PodInfo.Phase.RUNNING,
              false,
              since,
              PodInfo.ReadyCondition.ready(since),
              requests);
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
      boolean failed = setAside.failed().contains(m.ordinal());
      boolean deleting = setAside.deleting().contains(m.ordinal());
      if (failed || deleting) {
        pod =
            new PodInfo(
                pod.name(),
                failed ? PodInfo.Phase.FAILED : pod.phase(),
                deleting,
                pod.startTime(),
                pod.ready(),
                pod.containers());
      }
      b.pod(pod);
    }
    // Resource and ContainerResource usage per pod and container: the named containers carry their
    // own usage, the container "app" the rest of the pod's, so that a pod's sum stays its usage.
    Map<Integer, Map<String, Map<String, Long>>> usage = new TreeMap<>();
    Map<Integer, Instant> usageTime = new TreeMap<>();
    Map<Integer, Map<String, Long>> podTotals = new TreeMap<>();
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
        int ordinal = e.getKey();
        if (metric instanceof MetricSpec.Resource r) {
          podTotals.computeIfAbsent(ordinal, k -> new TreeMap<>()).put(r.resource(), milli);
          usageTime.merge(ordinal, sample.timestamp(), SnapshotAssembler::later);
        } else if (metric instanceof MetricSpec.ContainerResource c) {
          usage
              .computeIfAbsent(ordinal, k -> new LinkedHashMap<>())
              .computeIfAbsent(c.container(), k -> new TreeMap<>())
              .put(c.resource(), milli);
          usageTime.merge(ordinal, sample.timestamp(), SnapshotAssembler::later);
        } else {
          b.customMetric(
              CustomMetricValue.forPod(podName(ordinal), metric.name(), sample.timestamp(), milli));
        }
      }
    }
    usageTime.forEach(
        (ordinal, time) ->
            b.podUsage(
                new PodUsage(
                    podName(ordinal),
                    time,
                    spec.syncPeriod(),
                    containerUsage(
                        podTotals.getOrDefault(ordinal, Map.of()),
                        usage.getOrDefault(ordinal, Map.of())))));
    return b.build();
  }

  /**
   * The containers of one pod: each named container's usage as read, and the container {@value
   * #REST} with the rest of each pod total ({@code total - named}, at least 0; named containers get
   * 0 of a resource they were not read for, so that the pod's sum is its total).
   */
  private static List<PodUsage.ContainerUsage> containerUsage(
      Map<String, Long> totals, Map<String, Map<String, Long>> named) {
    List<PodUsage.ContainerUsage> out = new ArrayList<>();
    if (!totals.isEmpty()) {
      Map<String, Long> rest = new TreeMap<>(totals);
      named
          .values()
          .forEach(u -> u.forEach((res, v) -> rest.computeIfPresent(res, (k, t) -> t - v)));
      rest.replaceAll((k, v) -> Math.max(0, v));
      out.add(new PodUsage.ContainerUsage(REST, rest));
    }
    named.forEach(
        (container, u) -> {
          Map<String, Long> all = new TreeMap<>(u);
          totals.keySet().forEach(res -> all.putIfAbsent(res, 0L));
          out.add(new PodUsage.ContainerUsage(container, all));
        });
    return out;
  }

  /**
   * The containers' cpu requests of every pod: one container {@value #REST} with the pod's request
   * when no container is named; otherwise each named container with its own request (none when it
   * requests no cpu) and {@value #REST} with what is left of the pod's.
   */
  private static List<PodInfo.ContainerRequests> containerRequests(
      AutoscaleSpec spec, Set<String> named) {
    List<PodInfo.ContainerRequests> out = new ArrayList<>();
    long rest = spec.cpuRequestMilli();
    for (String container : named) {
      Long cpu = spec.containerCpuRequestMilli().get(container);
      if (cpu != null) {
        rest -= cpu;
      }
      out.add(
          new PodInfo.ContainerRequests(container, cpu == null ? Map.of() : Map.of("cpu", cpu)));
    }
    out.add(0, new PodInfo.ContainerRequests(REST, Map.of("cpu", Math.max(0, rest))));
    return out;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /**
   * The name a metric is read by from the member metric source: its own name, except a {@code
   * ContainerResource}'s, {@code <resource>{container="<container>"}} (so that a pod's and one
   * container's usage of the same resource are two readings).
   */
  static String sourceName(MetricSpec metric) {
    return metric instanceof MetricSpec.ContainerResource c
        ? c.resource() + "{" + CONTAINER_LABEL + "=\"" + c.container() + "\"}"
        : metric.name();
  }
}
