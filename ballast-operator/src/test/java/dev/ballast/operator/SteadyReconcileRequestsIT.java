package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The running operator (JOSDK and its informers) on the mock API server, its own client counting
 * every request it sends: once a StatefulAutoscaler has reached its size, a reconcile reads the
 * target and its pods from the informer caches and, with nothing changed, writes nothing: neither
 * on a pod event nor at the sync period.
 */
@EnableKubernetesMockClient(crud = true)
class SteadyReconcileRequestsIT {
  private static final Pattern RECONCILES =
      Pattern.compile("(?m)^ballast_reconcile_duration_seconds_count(?:\\{[^}]*\\})? ([0-9.]+)$");

  KubernetesClient client;

  /** Every request of the operator's client but its watches: {@code METHOD path?query}. */
  static final class RequestLog implements Interceptor {
    final List<String> requests = new CopyOnWriteArrayList<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      String query = request.uri().getRawQuery();
      if (query == null || !query.contains("watch=true")) {
        requests.add(
            request.method() + " " + request.uri().getPath() + (query == null ? "" : "?" + query));
      }
    }
  }

  static double reconciles(int port) throws Exception {
    Matcher m = RECONCILES.matcher(OperatorWiringIT.get(port, "/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** Annotates pod {@code zk-<ordinal>} (an event that wakes the reconciler) and awaits it. */
  void touchAndAwaitReconcile(MockCluster cluster, int port, int ordinal, int touch)
      throws Exception {
    double seen = reconciles(port);
    client
        .pods()
        .inNamespace(MockCluster.NS)
        .withName("zk-" + ordinal)
        .edit(
            p -> {
              p.getMetadata().getAnnotations().put("touched", String.valueOf(touch));
              return p;
            });
    await().atMost(Duration.ofSeconds(30)).until(() -> reconciles(port) > seen);
  }

  @Test
  void aSteadyReconcileSendsNoRequest() throws Exception {
    // given: a StatefulSet of 3 Ready pods held at 3, the operator on its own counted client
    MockCluster cluster = new MockCluster(client);
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    RequestLog log = new RequestLog();
    try (KubernetesClient operatorClient =
            new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("log", log))
                .build();
        OperatorWiring wiring =
            new OperatorWiring(
                operatorClient,
                new OperatorWiring.Settings(
                    Optional.empty(), Set.of(MockCluster.NS), "127.0.0.1", 0, "test"),
                Clock.systemUTC())) {
      wiring.start();
      cluster.apply(StatefulAutoscalerReconcilerIT.sas("zk", "replicas: 3\nmaxReplicas: 7"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                var s = cluster.get("zk").getStatus();
                return s != null && "Idle".equals(s.phase) && Integer.valueOf(3).equals(s.replicas);
              });
      // when: pod events wake the reconciler, each after the last reconcile ended; the first
      // one's reconcile settles whatever is left; the counting starts after
      // it.
      for (int i = 0; i < 4; i++) {
        if (i == 1) {
          log.requests.clear();
        }
        touchAndAwaitReconcile(cluster, wiring.httpPort(), i % 3, i);
      }
      // and the reconcile the operator schedules itself at the sync period (15 s), which syncs
      double seen = reconciles(wiring.httpPort());
      await().atMost(Duration.ofSeconds(60)).until(() -> reconciles(wiring.httpPort()) > seen);

      // then: those reconciles ran (awaited above), and the operator sent nothing to the server
      assertThat(log.requests).as("requests of the steady reconciles").isEmpty();
    }
  }
}
