package dev.ballast.operator.metrics;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import dev.ballast.metrics.MetricQuery;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * {@code metrics.k8s.io} PodMetrics of the members' pods, read as the HPA's metrics client reads
 * them: for a {@code Resource} metric ({@code cpu} in cores, {@code memory} in bytes) the usage
 * summed over the pod's containers, a pod with no container or with a container that lacks the
 * resource left out; for a {@code ContainerResource} metric (asked as {@code
 * container/<container>/<resource>}) the named container's usage only, a pod without that container
 * left out. A pod left out counts as missing, as for the HPA; pods that failed or are being deleted
 * are set aside before that (they get no value either: the snapshot cannot tell them apart yet).
 */
public final class PodMetricsSource implements MetricSource {
  private final KubernetesClient client;
  private final String namespace;
  private final IntFunction<String> podName;
  private final Clock clock;

  public PodMetricsSource(
      KubernetesClient client, String namespace, IntFunction<String> podName, Clock clock) {
    // No retries: a metrics API that answers 503 (metrics-server down) is a missing value now, not
    // a sync held for the client's back-off (about 25 s with the defaults).
    this.client =
        client
            .newClient(
                new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .adapt(KubernetesClient.class);
    this.namespace = namespace;
    this.podName = podName;
    this.clock = clock;
  }

  /**
   * One container's usage in one PodMetrics: cores and bytes (null when the API left one out), at
   * the PodMetrics' timestamp (the end of its window).
   */
  public record ContainerUsage(
      String pod, String container, Instant time, Double cpuCores, Double memoryBytes) {}

  /**
   * The usage of every container of the named pods, as metrics.k8s.io reports it now; a pod it does
   * not report, or reports without a timestamp, is left out.
   *
   * @throws MetricUnavailableException when the metrics API cannot be read
   */
  public List<ContainerUsage> containerUsage(Collection<String> pods) {
    List<ContainerUsage> out = new ArrayList<>();
    for (PodMetrics m : list().getItems()) {
      String pod = m.getMetadata().getName();
      if (!pods.contains(pod) || m.getContainers() == null || m.getTimestamp() == null) {
        continue;
      }
      Instant time = Instant.parse(m.getTimestamp());
      for (var c : m.getContainers()) {
        Quantity cpu = c.getUsage() == null ? null : c.getUsage().get("cpu");
        Quantity memory = c.getUsage() == null ? null : c.getUsage().get("memory");
        out.add(
            new ContainerUsage(
                pod,
                c.getName(),
                time,
                cpu == null ? null : cpu.getNumericalAmount().doubleValue(),
                memory == null ? null : memory.getNumericalAmount().doubleValue()));
      }
    }
    return out;
  }

  private PodMetricsList list() {
    try {
      return client.top().pods().metrics(namespace);
    } catch (KubernetesClientException e) {
      throw new MetricUnavailableException(
          "metrics.k8s.io PodMetrics in " + namespace + ": " + e.getMessage());
    }
  }

  @Override
  public MetricSample read(String metricName, List<Member> members) {
    MetricQuery query = MetricQuery.parse(metricName);
    String resource = query.name();
    String container = query.labels().get("container");
    PodMetricsList list = list();
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
      Double value =
          container == null ? podSum(m, resource) : containerUsage(m, container, resource);
      if (value == null) {
        continue;
      }
      values.put(member.ordinal(), value);
      if (m.getTimestamp() != null) {
        Instant t = Instant.parse(m.getTimestamp());
        newest = newest == null || t.isAfter(newest) ? t : newest;
      }
    }
    if (values.isEmpty()) {
      throw new MetricUnavailableException(
          "metrics.k8s.io has no "
              + (container == null ? "" : "container " + container + " ")
              + resource
              + " usage for the members' pods yet");
    }
    return new MetricSample(metricName, newest == null ? clock.instant() : newest, values);
  }

  /** The pod's usage of {@code resource}; null when a container lacks it or there is none. */
  private static Double podSum(PodMetrics m, String resource) {
    if (m.getContainers().isEmpty()) {
      return null;
    }
    double sum = 0;
    for (var c : m.getContainers()) {
      Quantity q = c.getUsage() == null ? null : c.getUsage().get(resource);
      if (q == null) {
        return null;
      }
      sum += q.getNumericalAmount().doubleValue();
    }
    return sum;
  }

  /** The usage of {@code resource} by the container named {@code container}; null when none. */
  private static Double containerUsage(PodMetrics m, String container, String resource) {
    for (var c : m.getContainers()) {
      if (container.equals(c.getName())) {
        Quantity q = c.getUsage() == null ? null : c.getUsage().get(resource);
        return q == null ? null : q.getNumericalAmount().doubleValue();
      }
    }
    return null;
  }
}
