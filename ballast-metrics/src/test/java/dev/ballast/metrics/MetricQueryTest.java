package dev.ballast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricQueryTest {

  @Test
  void readsAPlainName() {
    assertThat(MetricQuery.parse("zk_avg_latency"))
        .isEqualTo(new MetricQuery("zk_avg_latency", Map.of(), false));
  }

  @Test
  void readsARateWithLabelMatchers() {
    // when
    MetricQuery q = MetricQuery.parse(" rate( requests_total{op=\"write\", outcome=\"a\\\"b\"} ) ");

    // then
    assertThat(q.rate()).isTrue();
    assertThat(q.name()).isEqualTo("requests_total");
    assertThat(q.labels()).isEqualTo(Map.of("op", "write", "outcome", "a\"b"));
  }

  @Test
  void selectsSamplesHavingEveryRequiredLabel() {
    // given
    MetricQuery q = MetricQuery.parse("requests_total{op=\"write\"}");

    // then
    assertThat(q.selects(Map.of("op", "write", "outcome", "ok"))).isTrue();
    assertThat(q.selects(Map.of("op", "read"))).isFalse();
    assertThat(q.selects(Map.of())).isFalse();
  }

  @Test
  void printsBackInTheSameSyntax() {
    assertThat(MetricQuery.parse("rate(a{b=\"c\"})").toString()).isEqualTo("rate(a{b=\"c\"})");
  }

  @Test
  void refusesWhatItCannotRead() {
    assertThatThrownBy(() -> MetricQuery.parse("avg(zk_avg_latency)"))
        .hasMessageContaining("write name, name{label=\"value\"} or rate(name)");
    assertThatThrownBy(() -> MetricQuery.parse("m{a=b}"))
        .hasMessageContaining("not label=\"value\"");
    assertThatThrownBy(() -> MetricQuery.parse("m{a=\"b\"")).hasMessageContaining("unclosed '{'");
  }
}
