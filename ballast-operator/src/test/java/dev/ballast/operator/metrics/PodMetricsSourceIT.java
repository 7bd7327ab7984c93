package dev.ballast.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.autoscaler.SyncEvaluator;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricUnavailableException;
import dev.ballast.core.testing.MutableClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PodMetrics read as the HPA's metrics client reads them, from the fabric8 mock API server. */
@EnableKubernetesMockClient
class PodMetricsSourceIT {
  KubernetesClient client;
  KubernetesMockServer server;
  PodMetricsSource source;
  final List<Member> members =
      List.of(
          new Member(0, "zk-0", Map.of()),
          new Member(1, "zk-1", Map.of()),
          new Member(2, "zk-2", Map.of()));

  @BeforeEach
  void setUp() {
    // zk-0: main 450m + sidecar 300m; zk-1: main 250m + sidecar without memory; zk-2: sidecar only
    server
        .expect()
        .get()
        .withPath("/apis/metrics.k8s.io/v1beta1/namespaces/test/pods")
        .andReturn(
            200,
            """
            {"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "items": [
              {"metadata": {"name": "zk-0"}, "timestamp": "2026-01-01T00:00:00Z", "window": "15s",
               "containers": [{"name": "main", "usage": {"cpu": "450m", "memory": "100Mi"}},
                              {"name": "sidecar", "usage": {"cpu": "300m", "memory": "10Mi"}}]},
              {"metadata": {"name": "zk-1"}, "timestamp": "2026-01-01T00:00:00Z", "window": "15s",
               "containers": [{"name": "main", "usage": {"cpu": "250m", "memory": "100Mi"}},
                              {"name": "sidecar", "usage": {"cpu": "300m"}}]},
              {"metadata": {"name": "zk-2"}, "timestamp": "2026-01-01T00:00:00Z", "window": "15s",
               "containers": [{"name": "sidecar", "usage": {"cpu": "300m", "memory": "10Mi"}}]}
            ]}
            """)
        .always();
    source = new PodMetricsSource(client, "test", k -> "zk-" + k, MutableClock.atEpochOfTests());
  }

  @Test
  void aContainerResourceMetricReadsOnlyTheNamedContainerAndAPodWithoutItIsMissing() {
    // given
    MetricSpec metric =
        new MetricSpec.ContainerResource("cpu", "main", MetricTarget.utilization(50));

    // when
    var sample = source.read(SyncEvaluator.sourceName(metric), members);

    // then: main's usage alone; zk-2 has no main container, so it has no value (missing)
    assertThat(sample.byOrdinal()).containsOnlyKeys(0, 1);
    assertThat(sample.byOrdinal().get(0))
        .isCloseTo(0.45, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(sample.byOrdinal().get(1))
        .isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aResourceMetricSumsEveryContainerAndAPodWithAContainerLackingItIsMissing() {
    // given
    MetricSpec cpu = new MetricSpec.Resource("cpu", MetricTarget.utilization(50));
    MetricSpec memory = new MetricSpec.Resource("memory", MetricTarget.averageValue(1));

    // when
    var cpuSample = source.read(SyncEvaluator.sourceName(cpu), members);
    var memorySample = source.read(SyncEvaluator.sourceName(memory), members);

    // then
    assertThat(cpuSample.byOrdinal().get(0))
        .isCloseTo(0.75, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(cpuSample.byOrdinal()).containsOnlyKeys(0, 1, 2);
    assertThat(memorySample.byOrdinal()).containsOnlyKeys(0, 2);
  }

  @Test
  void aContainerNoPodHasIsUnavailableNamingTheContainer() {
    // given
    MetricSpec metric =
        new MetricSpec.ContainerResource("cpu", "absent", MetricTarget.utilization(50));

    // when / then
    assertThatThrownBy(() -> source.read(SyncEvaluator.sourceName(metric), members))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("container absent cpu");
  }
}
