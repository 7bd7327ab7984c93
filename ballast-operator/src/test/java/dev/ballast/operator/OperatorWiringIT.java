package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The operator as it runs: the Java Operator SDK with its informers on the mock API server, the
 * reconciler reacting to a new StatefulAutoscaler and to its target's pods, and the HTTP endpoints.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorWiringIT {
  KubernetesClient client;

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void reconcilesANewResourceAndServesHealthAndMetrics() throws Exception {
    // given: a StatefulSet with 3 Ready pods
    MockCluster cluster = new MockCluster(client);
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");

    try (OperatorWiring wiring =
        new OperatorWiring(
            client,
            new OperatorWiring.Settings(
                Optional.empty(), Set.of(MockCluster.NS), "127.0.0.1", 0, "test"),
            Clock.systemUTC())) {
      // when
      wiring.start();
      cluster.apply(
          StatefulAutoscalerReconcilerIT.sas(
              "zk", "replicas: 4\nmaxReplicas: 7\nscaleUp: {preflight: false}"));

      // then: the operator adds member 3 (the test plays the kubelet)
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                cluster.kubelet("zk");
                var s = cluster.get("zk").getStatus();
                return s != null && s.replicas != null && s.replicas == 4 && s.operation == null;
              });
      assertThat(get(wiring.httpPort(), "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(wiring.httpPort(), "/readyz").statusCode()).isEqualTo(200);
      String metrics = get(wiring.httpPort(), "/metrics").body();
      assertThat(metrics)
          .contains("ballast_reconcile_duration")
          .contains("ballast_operations_total")
          .contains("ballast_replicas{target=\"test/zk\"} 4.0");
    }
  }
}
