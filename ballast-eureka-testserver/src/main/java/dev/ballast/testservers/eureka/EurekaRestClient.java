package dev.ballast.testservers.eureka;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The calls of Eureka's own REST API the peer list tests make to prove what a server sees: its
 * registered replicas ({@code GET /eureka/status}), registering an instance ({@code POST
 * /eureka/apps/{app}}) and reading one from the registry itself ({@code GET
 * /eureka/apps/{app}/{id}}). JDK only, so that the tests' class path gets none of the server's
 * dependencies; each call waits at most 5 s for its answer.
 */
public final class EurekaRestClient {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Pattern REGISTERED =
      Pattern.compile("<registered-replicas>([^<]*)</registered-replicas>");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * The replicas the server at {@code base} ({@code http://host:port}) has registered, as the URLs
   * of its peer list ({@code http://host:port/eureka/}), sorted.
   */
  public Set<String> registeredReplicas(String base) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/eureka/status"))
                .header("Accept", "application/xml")
                .timeout(REQUEST_TIMEOUT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = REGISTERED.matcher(r.body());
    if (!m.find()) {
      throw new IllegalStateException(
          "no registered-replicas in the status of " + base + " (HTTP " + r.statusCode() + ")");
    }
    return Arrays.stream(m.group(1).split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Registers instance {@code id} of application {@code app} (status UP) at the server at {@code
   * base}; fails unless the server accepts it (HTTP 204). The server replicates it to its peers.
   */
  public void register(String base, String app, String id)
      throws IOException, InterruptedException {
    String body =
        """
        {"instance": {"instanceId": "%s", "hostName": "127.0.0.1", "app": "%s",
          "ipAddr": "127.0.0.1", "status": "UP", "port": {"$": 1, "@enabled": "true"},
          "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
            "name": "MyOwn"}}}
        """
            .formatted(id, app);
    HttpResponse<String> posted =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/eureka/apps/" + app))
                .header("Content-Type", "application/json")
                .timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (posted.statusCode() != 204) {
      throw new IllegalStateException(
          "registering "
              + app
              + "/"
              + id
              + " at "
              + base
              + ": HTTP "
              + posted.statusCode()
              + " "
              + posted.body());
    }
  }

  /**
   * Whether the registry of the server at {@code base} holds instance {@code id} of {@code app}
   * now. {@code GET /eureka/apps/{app}/{id}} reads the registry itself, where {@code GET
   * /eureka/apps/{app}} is served from a response cache refreshed every 30 s.
   */
  public boolean hasInstance(String base, String app, String id)
      throws IOException, InterruptedException {
    return http.send(
                HttpRequest.newBuilder(URI.create(base + "/eureka/apps/" + app + "/" + id))
                    .header("Accept", "application/json")
                    .timeout(REQUEST_TIMEOUT)
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode()
        == 200;
  }
}
