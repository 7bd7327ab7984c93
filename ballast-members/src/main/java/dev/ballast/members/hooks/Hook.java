package dev.ballast.members.hooks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One hook: an HTTP request or a local command, both written as templates whose placeholders
 * ({@code {ordinal}}, {@code {id}}, {@code {memberId}}, {@code {host}}, {@code {port:NAME}}, {@code
 * {peer.host}}, {@code {peer.port:NAME}} and values captured by an earlier hook of the same list)
 * are filled in for the member concerned. {@code capture} names values to read from its JSON answer
 * (name to JSONPath); {@code until}, when set, must hold on that answer (an action hook is retried
 * until it does, a polled hook reports not done). A call is tried {@code attempts} times, {@code
 * backoff} apart and doubling, when it cannot be made, answers 5xx/429 or exits non-zero.
 */
public record Hook(
    String name,
    Optional<HttpCall> http,
    List<String> command,
    Map<String, String> capture,
    Optional<HookCondition> until,
    Duration timeout,
    int attempts,
    Duration backoff) {

  /** Default bound of one call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** Default number of tries of one call. */
  public static final int DEFAULT_ATTEMPTS = 3;

  /** Default wait before the second try (doubled before each further one). */
  public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(200);

  public Hook {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(http, "http");
    command = List.copyOf(command);
    capture = Map.copyOf(capture);
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(backoff, "backoff");
    if (http.isPresent() == !command.isEmpty()) {
      throw new IllegalArgumentException("a hook is either an http request or a command");
    }
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
    }
  }

  /** An HTTP hook with the default timeout, attempts and back-off. */
  public static Hook http(String name, HttpCall call) {
    return new Hook(
        name,
        Optional.of(call),
        List.of(),
        Map.of(),
        Optional.empty(),
        DEFAULT_TIMEOUT,
        DEFAULT_ATTEMPTS,
        DEFAULT_BACKOFF);
  }

  /** A command hook with the default timeout, attempts and back-off. */
  public static Hook exec(String name, List<String> command) {
    return new Hook(
        name,
        Optional.empty(),
        command,
        Map.of(),
        Optional.empty(),
        DEFAULT_TIMEOUT,
        DEFAULT_ATTEMPTS,
        DEFAULT_BACKOFF);
  }

  public Hook withCapture(Map<String, String> values) {
    return new Hook(name, http, command, values, until, timeout, attempts, backoff);
  }

  public Hook withUntil(HookCondition condition) {
    return new Hook(
        name, http, command, capture, Optional.of(condition), timeout, attempts, backoff);
  }

  public Hook withRetries(int tries, Duration wait) {
    return new Hook(name, http, command, capture, until, timeout, tries, wait);
  }

  public Hook withTimeout(Duration bound) {
    return new Hook(name, http, command, capture, until, bound, attempts, backoff);
  }

  /** Whether the hook is sent to the other members in turn ({@code {peer.…}} placeholders). */
  public boolean targetsPeers() {
    String text =
        http.map(h -> h.url() + "\n" + h.body() + "\n" + h.headers())
            .orElse(String.join("\n", command));
    return text.contains("{peer.");
  }

  /** An HTTP request template: method, URL, body and extra headers. */
  public record HttpCall(String method, String url, String body, Map<String, String> headers) {
    public HttpCall {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(url, "url");
      body = body == null ? "" : body;
      headers = Map.copyOf(headers);
    }

    /** A GET of {@code url}. */
    public static HttpCall get(String url) {
      return new HttpCall("GET", url, "", Map.of());
    }
  }
}
