package dev.ballast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusScrapeSourceTest {
  private static final List<Member> MEMBERS = List.of(member(0), member(1));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Map<Integer, String> bodies = new HashMap<>();
  private final PrometheusScrapeSource source =
      new PrometheusScrapeSource(
          m -> {
            String body = bodies.get(m.ordinal());
            if (body == null) {
              throw new IOException("GET http://127.0.0.1:9000/metrics answered HTTP 503");
            }
            return body;
          },
          clock);
  private String scrape;

  @BeforeEach
  void load() throws IOException {
    scrape = TestResources.text("member-metrics.prom");
  }

  @Test
  void readsAGaugePerMember() {
    // given
    bodies.put(0, scrape);
    bodies.put(1, scrape.replace("outstanding_requests 12.5", "outstanding_requests 3"));

    // when
    MetricSample sample = source.read("outstanding_requests", MEMBERS);

    // then
    assertThat(sample.byOrdinal()).isEqualTo(Map.of(0, 12.5, 1, 3.0));
  }

  @Test
  void sumsTheSamplesTheLabelMatchersSelect() {
    // given
    bodies.put(0, scrape);

    // when
    MetricSample writes = source.read("requests_total{op=\"write\"}", MEMBERS.subList(0, 1));
    MetricSample all = source.read("requests_total", MEMBERS.subList(0, 1));

    // then
    assertThat(writes.byOrdinal()).isEqualTo(Map.of(0, 4.0));
    assertThat(all.byOrdinal()).isEqualTo(Map.of(0, 1031.0));
  }

  @Test
  void turnsACounterIntoAPerSecondRateFromTheSecondScrape() {
    // given
    bodies.put(0, scrape);
    MetricSample first = source.read("rate(requests_total{op=\"read\"})", MEMBERS.subList(0, 1));
    clock.advance(Duration.ofSeconds(10));
    bodies.put(0, scrape.replace("outcome=\"ok\"} 1027", "outcome=\"ok\"} 1527"));

    // when
    MetricSample second = source.read("rate(requests_total{op=\"read\"})", MEMBERS.subList(0, 1));

    // then
    assertThat(first.byOrdinal()).isEmpty();
    assertThat(second.byOrdinal()).isEqualTo(Map.of(0, 50.0));
  }

  @Test
  void readsZooKeepersOwnMetricsEndpoint() throws Exception {
    // given: two scrapes of a real ZooKeeper 3.9.3 endpoint, 10 s apart, 500 packets later
    String captured = TestResources.text("zookeeper-3.9.3-prometheus.prom");
    bodies.put(0, captured);
    source.read("rate(packets_received)", MEMBERS.subList(0, 1));
    clock.advance(Duration.ofSeconds(10));
    bodies.put(0, captured.replace("\npackets_received 1.0\n", "\npackets_received 501.0\n"));

    // when
    MetricSample rate = source.read("rate(packets_received)", MEMBERS.subList(0, 1));
    MetricSample latency = source.read("avg_latency", MEMBERS.subList(0, 1));

    // then
    assertThat(rate.byOrdinal()).isEqualTo(Map.of(0, 50.0));
    assertThat(latency.byOrdinal()).isEqualTo(Map.of(0, 0.0));
  }

  @Test
  void leavesOutAMemberWhoseValueIsNotANumber() throws Exception {
    // given: an empty summary's quantile is NaN in ZooKeeper's scrape
    bodies.put(0, TestResources.text("zookeeper-3.9.3-prometheus.prom"));
    bodies.put(1, scrape);

    // when
    MetricSample sample =
        source.read("write_commit_proc_issued{quantile=\"0.5\"}", MEMBERS.subList(0, 1));

    // then
    assertThat(sample.byOrdinal()).isEmpty();
  }

  @Test
  void leavesOutAMemberWhoseEndpointFailsOrSendsGarbage() {
    // given
    bodies.put(0, scrape);
    bodies.put(1, "this is { not the text format");

    // when
    MetricSample sample = source.read("outstanding_requests", MEMBERS);

    // then
    assertThat(sample.byOrdinal()).isEqualTo(Map.of(0, 12.5));
  }

  @Test
  void reportsTheMetricUnavailableWhenNoEndpointAnswers() {
    assertThatThrownBy(() -> source.read("outstanding_requests", MEMBERS))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("HTTP 503");
  }

  @Test
  void namesTheMetricWhenNoMemberExposesIt() {
    // given
    bodies.put(0, scrape);

    // when / then
    assertThatThrownBy(() -> source.read("queue_depth", MEMBERS))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("no member exposes queue_depth")
        .hasMessageContaining("outstanding_requests");
  }

  private static Member member(int ordinal) {
    return new Member(ordinal, "127.0.0.1", Map.of("metrics", 9000 + ordinal));
  }
}
