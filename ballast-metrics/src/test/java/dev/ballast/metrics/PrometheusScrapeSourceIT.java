package dev.ballast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricUnavailableException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusScrapeSourceIT {
  private HttpServer server;
  private final AtomicReference<String> accept = new AtomicReference<>();
  private volatile int status = 200;

  @BeforeEach
  void serveCapturedScrape() throws Exception {
    byte[] body = TestResources.text("member-metrics.prom").getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          accept.set(exchange.getRequestHeaders().getFirst("Accept"));
          exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void scrapesAMembersEndpointOverHttpAskingForTheTextFormat() {
    // given
    Member member = new Member(0, "127.0.0.1", Map.of("metrics", server.getAddress().getPort()));
    PrometheusScrapeSource source =
        PrometheusScrapeSource.overHttp(
            "metrics", "/metrics", Duration.ofSeconds(2), Clock.systemUTC());

    // when
    MetricSample sample = source.read("outstanding_requests", List.of(member));

    // then
    assertThat(sample.byOrdinal()).isEqualTo(Map.of(0, 12.5));
    assertThat(accept.get()).startsWith("text/plain;version=0.0.4");
  }

  @Test
  void treatsAnErrorStatusAsNoAnswer() {
    // given
    status = 503;
    Member member = new Member(0, "127.0.0.1", Map.of("metrics", server.getAddress().getPort()));
    PrometheusScrapeSource source =
        PrometheusScrapeSource.overHttp(
            "metrics", "/metrics", Duration.ofSeconds(2), Clock.systemUTC());

    // when / then
    assertThatThrownBy(() -> source.read("outstanding_requests", List.of(member)))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("HTTP 503");
  }
}
