package dev.ballast.metrics;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes each member's own metrics endpoint in the Prometheus text format and reads one {@link
 * MetricQuery}: the samples with that name and labels are summed per member; {@code rate(...)}
 * turns the sum into a per-second rate between two scrapes of the same member (absent on the
 * first). A member whose value is not a finite number (for example an empty summary's {@code NaN}
 * quantile) is absent. A member that does not answer is absent from the sample; when none answers,
 * or none exposes the metric, the metric is unavailable.
 */
public final class PrometheusScrapeSource implements MetricSource {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusScrapeSource.class);
  private static final String ACCEPT = "text/plain;version=0.0.4;q=1.0,*/*;q=0.1";

  /** Fetches the body of one member's metrics endpoint. */
  @FunctionalInterface
  public interface ScrapeClient {
    String scrape(Member member) throws IOException;
  }

  /** How long one read waits for all members unless told otherwise. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);

  private final ScrapeClient client;
  private final Clock clock;
  private final CounterRates rates;
  private final MemberCalls calls;

  /** Members asked in parallel, all answers awaited at most {@link #DEFAULT_DEADLINE}. */
  public PrometheusScrapeSource(ScrapeClient client, Clock clock) {
    this(client, clock, MemberCalls.within(DEFAULT_DEADLINE));
  }

  /** Members asked in parallel through {@code calls}, which bounds the wait for all of them. */
  public PrometheusScrapeSource(ScrapeClient client, Clock clock, MemberCalls calls) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.calls = Objects.requireNonNull(calls, "calls");
    this.rates = new CounterRates(clock);
  }

  /**
   * Over HTTP: {@code http://<host>:<port named portName><path>} (for example {@code metrics} and
   * {@code /metrics}), all members at once; {@code timeout} bounds one read of all of them.
   */
  public static PrometheusScrapeSource overHttp(
      String portName, String path, Duration timeout, Clock clock) {
    Objects.requireNonNull(portName, "portName");
    Objects.requireNonNull(path, "path");
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return new PrometheusScrapeSource(
        m -> {
          URI uri = URI.create("http://" + m.host() + ":" + m.port(portName) + path);
          HttpRequest request =
              HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", ACCEPT).GET().build();
          try {
            HttpResponse<String> response =
                http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
              throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
            }
            return response.body();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while scraping " + uri, e);
          }
        },
        clock,
        MemberCalls.within(timeout));
  }

  @Override
  public MetricSample read(String metricName, List<Member> members) {
    MetricQuery query = MetricQuery.parse(metricName);
    Map<Integer, Double> values = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    TreeSet<String> namesSeen = new TreeSet<>();
    int answered = 0;
    boolean found = false;
    // Every member at once, within the deadline: silent members cost one deadline, not one each.
    for (MemberCalls.Reply<List<PrometheusSample>> r :
        calls.callAll(members, m -> PrometheusTextParser.parse(client.scrape(m)))) {
      Member member = r.member();
      if (!r.answered()) {
        LOG.warn(
            "metrics endpoint unavailable member={} host={} error={}",
            member.ordinal(),
            member.host(),
            r.error());
        failures.add(member.ordinal() + ": " + r.error());
        continue;
      }
      List<PrometheusSample> samples = r.value();
      answered++;
      double sum = 0;
      boolean matched = false;
      for (PrometheusSample s : samples) {
        if (s.name().equals(query.name()) && query.selects(s.labels())) {
          sum += s.value();
          matched = true;
        } else if (namesSeen.size() < 40) {
          namesSeen.add(s.name());
        }
      }
      if (!matched) {
        continue;
      }
      found = true;
      if (!Double.isFinite(sum)) {
        // NaN (an empty summary quantile) or an infinity says nothing about load: no value.
        continue;
      }
      rates
          .valueOrRate(query.rate(), new Key(member.ordinal(), query.toString()), sum)
          .ifPresent(v -> values.put(member.ordinal(), v));
    }
    if (!members.isEmpty() && answered == 0) {
      throw new MetricUnavailableException(
          "no member's metrics endpoint answered for "
              + query
              + ": "
              + String.join("; ", failures));
    }
    if (answered > 0 && !found) {
      throw new MetricUnavailableException(
          "no member exposes "
              + query
              + "; metric names seen include: "
              + String.join(", ", namesSeen));
    }
    return new MetricSample(metricName, clock.instant(), values);
  }

  private record Key(int ordinal, String query) {}
}
