package dev.ballast.operator.controlplane;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.ballast.k8s.testkit.FreePorts;
import dev.ballast.k8s.testkit.ManagedProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus server (the {@code prometheus} binary on the PATH, Debian's package, installed
 * by scripts/install-test-tools) on 127.0.0.1 with a free port, scraping every second a small
 * exporter of this JVM that serves one gauge whose value the test sets.
 */
final class PrometheusServer implements AutoCloseable {

  private final HttpServer exporter;
  private final ManagedProcess process;
  private final int port;
  private volatile double value;

  private PrometheusServer(String gauge, double initial, Path dir) throws IOException {
    this.value = initial;
    this.exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    exporter.createContext(
        "/metrics",
        exchange -> {
          byte[] body =
              ("# TYPE " + gauge + " gauge\n" + gauge + " " + value + "\n")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    exporter.start();
    this.port = FreePorts.next();
    Files.createDirectories(dir);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: test-load
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """
            .formatted(exporter.getAddress().getPort()));
    this.process =
        ManagedProcess.start(
            "prometheus",
            List.of(
                "prometheus",
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"),
            Map.of(),
            dir,
            dir.resolve("prometheus.log"));
  }

  /**
   * Starts the exporter of {@code gauge} at {@code initial} and Prometheus, files under {@code
   * dir}; returns once Prometheus is ready and has scraped the gauge once.
   */
  static PrometheusServer start(String gauge, double initial, Path dir) {
    try {
      PrometheusServer p = new PrometheusServer(gauge, initial, dir);
      await("Prometheus on 127.0.0.1:" + p.port + " ready and holding " + gauge)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> p.query(gauge).contains("\"result\":[{"));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Prometheus (run scripts/install-test-tools)", e);
    }
  }

  /** The server's base URL. */
  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Sets the gauge the next scrapes read. */
  void set(double newValue) {
    this.value = newValue;
  }

  /** The raw answer of {@code /api/v1/query} (empty when the server does not answer yet). */
  String query(String promql) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              url()
                                  + "/api/v1/query?query="
                                  + java.net.URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(5));
    exporter.stop(0);
  }
}
