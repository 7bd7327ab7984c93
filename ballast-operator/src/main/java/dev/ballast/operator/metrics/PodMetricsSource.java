package dev.ballast.operator.metrics;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * {@code metrics.k8s.io} PodMetrics of the members' pods: the usage of one resource ({@code cpu} in
 * cores, {@code memory} in bytes) summed over the pod's containers, as the HPA reads it. A pod
 * without metrics is left out, as the HPA leaves it out.
 */
public final class PodMetricsSource implements MetricSource {
  private final KubernetesClient client;
  private final String namespace;
  private final IntFunction<String> podName;
  private final Clock clock;

  public PodMetricsSource(
      KubernetesClient client, String namespace, IntFunction<String> podName, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.podName = podName;
    this.clock = clock;
  }

  @Override
  public MetricSample read(String metricName, List<Member> members) {
    PodMetricsList list;
    try {
      list = client.top().pods().metrics(namespace);
    } catch (KubernetesClientException e) {
      throw new MetricUnavailableException(
          "metrics.k8s.io PodMetrics in " + namespace + ": " + e.getMessage());
    }
    Map<String, PodMetrics> byPod = new HashMap<>();
    for (PodMetrics m : list.getItems()) {
      byPod.put(m.getMetadata().getName(), m);
    }
    Map<Integer, Double> values = new HashMap<>();
    Instant newest = null;
    for (Member member : members) {
      PodMetrics m = byPod.get(podName.apply(member.ordinal()));
      if (m == null || m.getContainers() == null) {
        continue;
      }
      double sum = 0;
      for (var c : m.getContainers()) {
        var q = c.getUsage() == null ? null : c.getUsage().get(metricName);
        if (q != null) {
          sum += q.getNumericalAmount().doubleValue();
        }
      }
      values.put(member.ordinal(), sum);
      if (m.getTimestamp() != null) {
        Instant t = Instant.parse(m.getTimestamp());
        newest = newest == null || t.isAfter(newest) ? t : newest;
      }
    }
    if (values.isEmpty()) {
      throw new MetricUnavailableException(
          "metrics.k8s.io has no " + metricName + " usage for the members' pods yet");
    }
    return new MetricSample(metricName, newest == null ? clock.instant() : newest, values);
  }
}
