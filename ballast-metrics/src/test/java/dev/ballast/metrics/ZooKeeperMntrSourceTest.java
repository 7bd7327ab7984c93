package dev.ballast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZooKeeperMntrSourceTest {
  private static final List<Member> MEMBERS = List.of(member(0), member(1), member(2));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Map<Integer, String> replies = new HashMap<>();
  private final ZooKeeperMntrSource source =
      new ZooKeeperMntrSource(
          m -> {
            String reply = replies.get(m.ordinal());
            if (reply == null) {
              throw new ConnectException("Connection refused");
            }
            return reply;
          },
          clock);
  private String captured;

  @BeforeEach
  void loadCapturedReply() throws IOException {
    captured = TestResources.text("mntr-3.9.3-standalone.txt");
  }

  @Test
  void parsesEveryKeyOfACapturedReply() {
    // when
    Map<String, String> values = ZooKeeperMntr.parse(captured);

    // then
    assertThat(values).hasSize(494);
    assertThat(values)
        .containsEntry("zk_server_state", "standalone")
        .containsEntry("zk_avg_latency", "0.0")
        .containsEntry("zk_packets_received", "1");
    assertThat(values.get("zk_version")).startsWith("3.9.3-");
  }

  @Test
  void readsAGaugePerMember() {
    // given
    replies.put(0, with("zk_outstanding_requests", "7"));
    replies.put(1, with("zk_outstanding_requests", "0"));
    replies.put(2, with("zk_outstanding_requests", "12"));

    // when
    MetricSample sample = source.read("zk_outstanding_requests", MEMBERS);

    // then
    assertThat(sample.byOrdinal()).isEqualTo(Map.of(0, 7.0, 1, 0.0, 2, 12.0));
    assertThat(sample.timestamp()).isEqualTo(clock.instant());
    assertThat(sample.metricName()).isEqualTo("zk_outstanding_requests");
  }

  @Test
  void turnsThePacketCounterIntoRequestsPerSecondFromTheSecondRead() {
    // given
    replies.put(0, with("zk_packets_received", "1000"));
    MetricSample first = source.read("rate(zk_packets_received)", MEMBERS.subList(0, 1));
    clock.advance(Duration.ofSeconds(15));
    replies.put(0, with("zk_packets_received", "4000"));

    // when
    MetricSample second = source.read("rate(zk_packets_received)", MEMBERS.subList(0, 1));

    // then
    assertThat(first.byOrdinal()).isEmpty();
    assertThat(second.byOrdinal()).isEqualTo(Map.of(0, 200.0));
  }

  @Test
  void leavesOutAMemberThatDoesNotAnswer() {
    // given
    replies.put(0, with("zk_avg_latency", "1.5"));
    replies.put(2, with("zk_avg_latency", "2.5"));

    // when
    MetricSample sample = source.read("zk_avg_latency", MEMBERS);

    // then
    assertThat(sample.byOrdinal()).isEqualTo(Map.of(0, 1.5, 2, 2.5));
  }

  @Test
  void reportsTheMetricUnavailableWhenNoMemberAnswers() {
    assertThatThrownBy(() -> source.read("zk_avg_latency", MEMBERS))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("no member answered mntr")
        .hasMessageContaining("Connection refused");
  }

  @Test
  void refusesAValueThatIsNotANumber() {
    // given
    replies.put(0, captured);

    // when / then
    assertThatThrownBy(() -> source.read("zk_server_state", MEMBERS))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("'zk_server_state' is not a number");
  }

  @Test
  void refusesLabelMatchers() {
    assertThatThrownBy(() -> source.read("zk_avg_latency{a=\"b\"}", MEMBERS))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("no labels");
  }

  @Test
  void readsAKeyOnlySomeMembersHave() {
    // given: only the leader reports its followers
    replies.put(0, captured);
    replies.put(1, captured + "zk_followers\t2\n");

    // when
    MetricSample sample = source.read("zk_followers", MEMBERS);

    // then
    assertThat(sample.byOrdinal()).isEqualTo(Map.of(1, 2.0));
  }

  private String with(String key, String value) {
    return captured.replaceAll("(?m)^" + key + "\t.*$", key + "\t" + value);
  }

  private static Member member(int ordinal) {
    return new Member(ordinal, "127.0.0.1", Map.of("client", 2181 + ordinal));
  }
}
