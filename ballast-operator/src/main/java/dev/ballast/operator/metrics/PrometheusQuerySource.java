package dev.ballast.operator.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A PromQL instant query against the Prometheus HTTP API ({@code /api/v1/query}), optionally with a
 * bearer token and a custom CA: the values of the resulting vector (or the scalar) summed into one
 * value, as an {@code External} metric. The metric name is the query itself after {@code prefix}.
 */
public final class PrometheusQuerySource implements MetricSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI server;
  private final String prefix;
  private final Optional<String> bearerToken;
  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;

  public PrometheusQuerySource(
      URI server,
      String prefix,
      Optional<String> bearerToken,
      Optional<String> caPem,
      Duration timeout,
      Clock clock) {
    this.server = server;
    this.prefix = prefix;
    this.bearerToken = bearerToken;
    this.timeout = timeout;
    this.clock = clock;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
    caPem.ifPresent(pem -> b.sslContext(trusting(pem)));
    this.http = b.build();
  }

  @Override
  public MetricSample read(String metricName, List<Member> members) {
    String query =
        metricName.startsWith(prefix) ? metricName.substring(prefix.length()) : metricName;
    URI uri =
        URI.create(
            server.toString().replaceAll("/+$", "")
                + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
    bearerToken.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    JsonNode body;
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new MetricUnavailableException(
            "Prometheus " + server + " answered " + response.statusCode() + " to " + query);
      }
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new MetricUnavailableException("Prometheus " + server + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MetricUnavailableException("interrupted while asking Prometheus " + server);
    }
    JsonNode data = body.path("data");
    double sum = 0;
    int series = 0;
    if ("scalar".equals(data.path("resultType").asText())) {
      sum = data.path("result").path(1).asDouble();
      series = 1;
    } else {
      for (JsonNode r : data.path("result")) {
        double v = Double.parseDouble(r.path("value").path(1).asText("NaN"));
        if (Double.isFinite(v)) {
          sum += v;
          series++;
        }
      }
    }
    if (series == 0) {
      throw new MetricUnavailableException("Prometheus query " + query + " returned no series");
    }
    Instant now = clock.instant();
    return new MetricSample(metricName, now, Map.of(0, sum));
  }

  private static SSLContext trusting(String pem) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (var cert :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)))) {
        store.setCertificateEntry("ca" + i++, (X509Certificate) cert);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "the Prometheus CA is not a PEM certificate: " + e.getMessage(), e);
    }
  }
}
