package dev.ballast.metrics;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads ZooKeeper's {@code mntr} keys from each member's {@code client} port. A plain key ({@code
 * zk_avg_latency}, {@code zk_outstanding_requests}, {@code zk_num_alive_connections}) is used as
 * read; {@code rate(zk_packets_received)} is that counter's increase per second since the previous
 * read of the same member, so it is absent from the first sample. A member that does not answer is
 * absent from the sample; when no member answers the metric is unavailable.
 */
public final class ZooKeeperMntrSource implements MetricSource {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperMntrSource.class);

  /** Fetches the raw {@code mntr} reply of one member. */
  @FunctionalInterface
  public interface MntrClient {
    String mntr(Member member) throws IOException;
  }

  /** How long one read waits for all members unless told otherwise. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);

  private final MntrClient client;
  private final Clock clock;
  private final CounterRates rates;
  private final MemberCalls calls;

  /** Members asked in parallel, all answers awaited at most {@link #DEFAULT_DEADLINE}. */
  public ZooKeeperMntrSource(MntrClient client, Clock clock) {
    this(client, clock, MemberCalls.within(DEFAULT_DEADLINE));
  }

  /** Members asked in parallel through {@code calls}, which bounds the wait for all of them. */
  public ZooKeeperMntrSource(MntrClient client, Clock clock, MemberCalls calls) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.calls = Objects.requireNonNull(calls, "calls");
    this.rates = new CounterRates(clock);
  }

  /**
   * Over TCP to each member's port named {@code portName} (usually {@code client}), all members at
   * once; {@code timeout} bounds one read of all of them.
   */
  public static ZooKeeperMntrSource overTcp(String portName, Duration timeout, Clock clock) {
    Objects.requireNonNull(portName, "portName");
    Objects.requireNonNull(timeout, "timeout");
    return new ZooKeeperMntrSource(
        m -> ZooKeeperMntr.fetch(m.host(), m.port(portName), timeout),
        clock,
        MemberCalls.within(timeout));
  }

  @Override
  public MetricSample read(String metricName, List<Member> members) {
    MetricQuery query = MetricQuery.parse(metricName);
    if (!query.labels().isEmpty()) {
      throw new MetricUnavailableException(
          "mntr values have no labels; write '" + query.name() + "' without {...}");
    }
    Map<Integer, Double> values = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    int answered = 0;
    boolean keySeen = false;
    Map<String, String> anyReply = Map.of();
    // Every member at once, within the deadline: silent members cost one deadline, not one each.
    for (MemberCalls.Reply<Map<String, String>> r :
        calls.callAll(members, m -> ZooKeeperMntr.parse(client.mntr(m)))) {
      Member member = r.member();
      if (!r.answered()) {
        LOG.warn(
            "mntr unavailable member={} host={} error={}",
            member.ordinal(),
            member.host(),
            r.error());
        failures.add(member.ordinal() + ": " + r.error());
        continue;
      }
      Map<String, String> reply = r.value();
      answered++;
      anyReply = reply;
      String raw = reply.get(query.name());
      if (raw == null) {
        continue;
      }
      keySeen = true;
      double value = number(query.name(), raw);
      if (!Double.isFinite(value)) {
        continue;
      }
      rates
          .valueOrRate(query.rate(), new Key(member.ordinal(), query.name()), value)
          .ifPresent(v -> values.put(member.ordinal(), v));
    }
    if (!members.isEmpty() && answered == 0) {
      throw new MetricUnavailableException(
          "no member answered mntr for " + query + ": " + String.join("; ", failures));
    }
    if (answered > 0 && !keySeen) {
      throw new MetricUnavailableException(
          "mntr has no key '"
              + query.name()
              + "'; keys seen: "
              + String.join(", ", anyReply.keySet()));
    }
    return new MetricSample(metricName, clock.instant(), values);
  }

  private static double number(String key, String raw) {
    try {
      return Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      throw new MetricUnavailableException(
          "mntr key '" + key + "' is not a number (value '" + raw + "')", e);
    }
  }

  private record Key(int ordinal, String name) {}
}
