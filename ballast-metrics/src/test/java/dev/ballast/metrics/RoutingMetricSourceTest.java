package dev.ballast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingMetricSourceTest {
  private static MetricSource answering(double value) {
    return (name, members) -> new MetricSample(name, Instant.EPOCH, Map.of(0, value));
  }

  private final RoutingMetricSource router =
      RoutingMetricSource.builder()
          .exact("cpu", answering(1))
          .prefix("zk_", answering(2))
          .otherwise(answering(3))
          .build();

  @Test
  void sendsEachMetricToTheFirstMatchingSource() {
    assertThat(router.read("cpu", List.of()).byOrdinal()).containsEntry(0, 1.0);
    assertThat(router.read("rate(zk_packets_received)", List.of()).byOrdinal())
        .containsEntry(0, 2.0);
    assertThat(router.read("requests_total{op=\"w\"}", List.of()).byOrdinal())
        .containsEntry(0, 3.0);
  }

  @Test
  void sendsAWholeQueryToTheSourceNamedForIt() {
    // given: a PromQL expression, which is no metric name, routed by its whole text
    String query = "prometheus:sum(rate(requests_total[1m]))";
    RoutingMetricSource withQuery =
        RoutingMetricSource.builder()
            .exact("cpu", answering(1))
            .exact(query, answering(4))
            .prefix("zk_", answering(2))
            .build();

    // when / then
    assertThat(withQuery.read(query, List.of()).byOrdinal()).containsEntry(0, 4.0);
    assertThat(withQuery.read("rate(zk_packets_received)", List.of()).byOrdinal())
        .containsEntry(0, 2.0);
    assertThatThrownBy(() -> withQuery.read("sum(other)", List.of()))
        .isInstanceOf(MetricUnavailableException.class);
  }

  @Test
  void reportsAMetricNoRouteTakes() {
    // given
    RoutingMetricSource onlyCpu = RoutingMetricSource.builder().exact("cpu", answering(1)).build();

    // when / then
    assertThatThrownBy(() -> onlyCpu.read("zk_avg_latency", List.of()))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("no metric source is configured for 'zk_avg_latency'");
  }
}
