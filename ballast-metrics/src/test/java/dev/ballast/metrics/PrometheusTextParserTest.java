package dev.ballast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PrometheusTextParserTest {

  @Test
  void parsesEverySampleOfAFullScrape() throws Exception {
    // when
    List<PrometheusSample> samples =
        PrometheusTextParser.parse(TestResources.text("member-metrics.prom"));

    // then
    assertThat(samples).hasSize(16);
    assertThat(samples.get(0))
        .isEqualTo(
            new PrometheusSample(
                "requests_total", Map.of("op", "read", "outcome", "ok"), 1027, 1_700_000_000_000L));
    assertThat(samples.get(3))
        .isEqualTo(new PrometheusSample("outstanding_requests", Map.of(), 12.5, null));
    assertThat(samples.get(4).labels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("version", "1.2\"beta\"", "path", "C:\\zk", "note", "two\nlines"));
    assertThat(samples)
        .filteredOn(s -> s.name().equals("request_latency_seconds_bucket"))
        .extracting(s -> s.labels().get("le"))
        .containsExactly("0.005", "0.01", "+Inf");
    assertThat(samples)
        .filteredOn(s -> s.name().equals("rpc_duration_seconds_sum"))
        .singleElement()
        .extracting(PrometheusSample::value)
        .isEqualTo(1.7560473e7);
    assertThat(samples.get(11).value()).isNaN();
    assertThat(samples.get(14).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(samples.get(15).name()).isEqualTo("weird:name_with_colons");
  }

  @Test
  void parsesARealZooKeeperScrape() throws Exception {
    // given: captured from ZooKeeper 3.9.3's PrometheusMetricsProvider (simpleclient 0.9.0)
    String scrape = TestResources.text("zookeeper-3.9.3-prometheus.prom");

    // when
    List<PrometheusSample> samples = PrometheusTextParser.parse(scrape);

    // then
    assertThat(samples).hasSize(399);
    assertThat(samples)
        .filteredOn(s -> s.name().equals("packets_received"))
        .singleElement()
        .extracting(PrometheusSample::value)
        .isEqualTo(1.0);
    assertThat(samples)
        .filteredOn(s -> s.name().equals("jvm_info"))
        .singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("vendor", "Debian"));
    assertThat(samples)
        .filteredOn(s -> s.name().startsWith("sync_processor_queue_size"))
        .extracting(
            PrometheusSample::name, s -> s.labels().get("quantile"), PrometheusSample::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("sync_processor_queue_size", "0.5", 0.0),
            org.assertj.core.groups.Tuple.tuple("sync_processor_queue_size_count", null, 1.0),
            org.assertj.core.groups.Tuple.tuple("sync_processor_queue_size_sum", null, 0.0));
    assertThat(samples).filteredOn(s -> Double.isNaN(s.value())).hasSizeGreaterThan(50);
  }

  @Test
  void acceptsWindowsLineEndsAndOpenMetricsEndMarker() {
    // when
    List<PrometheusSample> samples =
        PrometheusTextParser.parse("a 1\r\nb{x=\"y\"} +Inf\r\n# EOF\r\n");

    // then
    assertThat(samples).extracting(PrometheusSample::name).containsExactly("a", "b");
    assertThat(samples.get(1).value()).isInfinite();
  }

  @Test
  void ignoresAnExemplarAfterTheValue() {
    // when
    List<PrometheusSample> samples =
        PrometheusTextParser.parse("hits_total 17 # {trace_id=\"abc\"} 1.0\n");

    // then
    assertThat(samples).containsExactly(new PrometheusSample("hits_total", Map.of(), 17, null));
  }

  record Malformed(String name, String line, String problem) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Malformed> malformed() {
    return List.of(
        new Malformed("no value", "requests_total", "expected a space before the value"),
        new Malformed("value not a number", "requests_total abc", "value 'abc' is not a number"),
        new Malformed("unterminated label", "m{a=\"b} 1", "unterminated label value"),
        new Malformed("label without quotes", "m{a=b} 1", "expected '\"'"),
        new Malformed("missing comma", "m{a=\"1\" b=\"2\"} 1", "expected ',' or '}'"),
        new Malformed("timestamp not integer", "m 1 1.5", "timestamp '1.5' is not an integer"),
        new Malformed("name starts with digit", "1m 1", "expected a metric name"),
        new Malformed("extra text", "m 1 2 3", "unexpected text after the sample"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void namesTheLineAndTheProblemOfAMalformedSample(Malformed c) {
    assertThatThrownBy(() -> PrometheusTextParser.parse("# ok\ngood 1\n" + c.line() + "\n"))
        .isInstanceOf(PrometheusTextParser.PrometheusFormatException.class)
        .hasMessageStartingWith("line 3: ")
        .hasMessageContaining(c.problem());
  }
}
