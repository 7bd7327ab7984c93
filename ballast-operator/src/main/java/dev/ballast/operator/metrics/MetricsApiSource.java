package dev.ballast.operator.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The aggregated metrics APIs, read through the API server as the HPA reads them: {@code
 * custom.metrics.k8s.io} for a {@code Pods} metric (one value per member pod) and {@code
 * external.metrics.k8s.io} for an {@code External} metric (every series summed, reported as one
 * value).
 */
public final class MetricsApiSource implements MetricSource {
  /** Which API. */
  public enum Api {
    CUSTOM,
    EXTERNAL
  }

  private final KubernetesClient client;
  private final Api api;
  private final String namespace;
  private final String selector;
  private final IntFunction<String> podName;
  private final Clock clock;

  public MetricsApiSource(
      KubernetesClient client,
      Api api,
      String namespace,
      String selector,
      IntFunction<String> podName,
      Clock clock) {
    this.client = client;
    this.api = api;
    this.namespace = namespace;
    this.selector = selector == null ? "" : selector;
    this.podName = podName;
    this.clock = clock;
  }

  /** The request path of {@code metric}. */
  String path(String metric) {
    String query =
        selector.isEmpty()
            ? ""
            : "?labelSelector=" + URLEncoder.encode(selector, StandardCharsets.UTF_8);
    String name = URLEncoder.encode(metric, StandardCharsets.UTF_8);
    return api == Api.CUSTOM
        ? "/apis/custom.metrics.k8s.io/v1beta1/namespaces/" + namespace + "/pods/*/" + name + query
        : "/apis/external.metrics.k8s.io/v1beta1/namespaces/" + namespace + "/" + name + query;
  }

  @Override
  public MetricSample read(String metricName, List<Member> members) {
    String body;
    try {
      body = client.raw(path(metricName));
    } catch (KubernetesClientException e) {
      throw new MetricUnavailableException(api + " metric " + metricName + ": " + e.getMessage());
    }
    if (body == null) {
      throw new MetricUnavailableException(
          api.name().toLowerCase() + ".metrics.k8s.io has no metric " + metricName);
    }
    JsonNode items = Serialization.unmarshal(body, JsonNode.class).path("items");
    Map<Integer, Double> values = new HashMap<>();
    if (api == Api.EXTERNAL) {
      double sum = 0;
      for (JsonNode item : items) {
        sum += value(item);
      }
      if (items.isEmpty()) {
        throw new MetricUnavailableException("external metric " + metricName + " has no series");
      }
      values.put(0, sum);
    } else {
      Map<String, Double> byPod = new HashMap<>();
      for (JsonNode item : items) {
        byPod.put(item.path("describedObject").path("name").asText(), value(item));
      }
      for (Member m : members) {
        Double v = byPod.get(podName.apply(m.ordinal()));
        if (v != null) {
          values.put(m.ordinal(), v);
        }
      }
      if (values.isEmpty()) {
        throw new MetricUnavailableException(
            "custom metric " + metricName + " has no value for the members' pods");
      }
    }
    return new MetricSample(metricName, clock.instant(), values);
  }

  private static double value(JsonNode item) {
    return new Quantity(item.path("value").asText("0")).getNumericalAmount().doubleValue();
  }
}
