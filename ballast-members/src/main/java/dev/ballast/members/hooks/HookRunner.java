package dev.ballast.members.hooks;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Hook}: fills its templates, sends the request (to the member's own address, or to
 * each peer in turn until one answers) or runs the command, retries what failed for a transient
 * reason with a doubling back-off, and reads the values and condition from its JSON answer. The
 * bearer token is read from its file at each call and appears only in the Authorization header.
 */
public final class HookRunner {
  private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);
  private static final int TAIL = 600;

  private final TokenSource tokens;
  private final CommandExecutor commands;
  private final HttpClient client;

  /**
   * Where the bearer token of HTTP hooks comes from, asked at each call (a file, a Kubernetes
   * Secret); empty sends none.
   */
  @FunctionalInterface
  public interface TokenSource {
    Optional<String> token();
  }

  /**
   * A runner whose token is read from {@code settings}' token file and whose commands run on this
   * machine in {@code workDir}.
   */
  public HookRunner(HooksSpec.HttpSettings settings, Path workDir) {
    this(settings, fileToken(settings), new LocalCommandExecutor(workDir));
  }

  /** A runner with its own token source and command executor (the Kubernetes operator's). */
  public HookRunner(HooksSpec.HttpSettings settings, TokenSource tokens, CommandExecutor commands) {
    this.tokens = tokens;
    this.commands = commands;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    settings.caFile().ifPresent(ca -> builder.sslContext(trusting(ca)));
    this.client = builder.build();
  }

  /**
   * Runs {@code hook} with {@code values}; {@code peers} are the members a {@code {peer.…}} hook
   * may be sent to, tried in order. Fails with a {@link MembershipException} (carrying the summary
   * and the answer's tail) when no try succeeded.
   */
  public HookResult run(Hook hook, Map<String, String> values, List<Member> peers) {
    return execute(hook, values, peers, false);
  }

  /**
   * Runs {@code hook} once for a polled point: a condition that does not hold yet is returned as a
   * result that did not pass (not retried, not an error); a call that fails still throws.
   */
  public HookResult poll(Hook hook, Map<String, String> values, List<Member> peers) {
    return execute(hook, values, peers, true);
  }

  private HookResult execute(
      Hook hook, Map<String, String> values, List<Member> peers, boolean polled) {
    List<Map<String, String>> targets = new ArrayList<>();
    if (hook.targetsPeers()) {
      for (Member peer : peers) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.putAll(Templates.peerValues(peer));
        targets.add(v);
      }
      if (targets.isEmpty()) {
        throw new MembershipException("hook " + hook.name() + ": no peer to send it to");
      }
    } else {
      targets.add(values);
    }
    Duration wait = hook.backoff();
    Attempt last = null;
    for (int attempt = 1; attempt <= hook.attempts(); attempt++) {
      for (Map<String, String> target : targets) {
        last = once(hook, target);
        if (last.result != null && (last.result.passed() || polled)) {
          return last.result;
        }
        if (!last.unreachable) {
          break; // a peer answered: the others would answer the same
        }
      }
      if (!last.retriable || attempt == hook.attempts()) {
        break;
      }
      LOG.debug("hook={} attempt={} outcome=retrying in={}", hook.name(), attempt, wait);
      sleep(wait);
      wait = wait.multipliedBy(2);
    }
    throw new MembershipException(last.failure());
  }

  private Attempt once(Hook hook, Map<String, String> values) {
    return hook.http().isPresent() ? http(hook, hook.http().get(), values) : exec(hook, values);
  }

  private Attempt http(Hook hook, Hook.HttpCall call, Map<String, String> values) {
    String url = Templates.fill(call.url(), values);
    String what = hook.name() + ": " + call.method() + " " + url;
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(url)).timeout(hook.timeout());
    } catch (IllegalArgumentException e) {
      return Attempt.failed(what + ": not a valid URL (" + e.getMessage() + ")", false, false);
    }
    String body = Templates.fill(call.body(), values);
    request.method(
        call.method(),
        body.isEmpty()
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (!body.isEmpty()) {
      request.header("Content-Type", "application/json");
    }
    call.headers().forEach((k, v) -> request.header(k, Templates.fill(v, values)));
    Optional<String> token = token();
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    HttpResponse<String> response;
    long started = System.nanoTime();
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return Attempt.failed(what + ": no answer (" + e + ")", true, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MembershipException(what + ": interrupted");
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    String answer = redact(response.body(), token);
    int status = response.statusCode();
    String head = what + " -> " + status + " in " + ms + " ms";
    if (status < 200 || status > 299) {
      boolean retriable = status >= 500 || status == 429;
      return Attempt.failed(head + ": " + tail(answer), retriable, false);
    }
    return judge(hook, head, answer, values);
  }

  private Attempt exec(Hook hook, Map<String, String> values) {
    List<String> command = new ArrayList<>();
    for (String arg : hook.command()) {
      command.add(Templates.fill(arg, values));
    }
    String what = hook.name() + ": " + String.join(" ", command);
    CommandExecutor.Outcome outcome;
    try {
      outcome = commands.run(hook, command, values);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MembershipException(what + ": interrupted");
    }
    if (!outcome.where().isEmpty()) {
      what = what + " (" + outcome.where() + ")";
    }
    String output = redact(outcome.output(), token());
    return switch (outcome.status()) {
      case CANNOT_RUN -> Attempt.failed(what + ": " + tail(output), false, false);
      case TIMED_OUT ->
          Attempt.failed(
              what + ": did not end within " + hook.timeout() + ": " + tail(output), true, false);
      case EXITED -> {
        String head = what + " -> exit " + outcome.exitCode();
        yield outcome.exitCode() != 0
            ? Attempt.failed(head + ": " + tail(output), true, false)
            : judge(hook, head, output, values);
      }
    };
  }

  /** Reads the captured values and the condition from a successful answer. */
  private Attempt judge(Hook hook, String head, String answer, Map<String, String> values) {
    if (hook.capture().isEmpty() && hook.until().isEmpty()) {
      return Attempt.passed(
          new HookResult(
              true, head + (answer.isBlank() ? "" : ": " + tail(answer)), Map.of(), answer));
    }
    DocumentContext json;
    try {
      json = JsonPath.using(HookCondition.JSON).parse(answer);
      json.json(); // force the parse error here, not at the first read
    } catch (RuntimeException e) {
      return Attempt.failed(head + ": the answer is not JSON: " + tail(answer), false, false);
    }
    Map<String, String> captured = new LinkedHashMap<>();
    for (Map.Entry<String, String> c : hook.capture().entrySet()) {
      Object found = HookCondition.unwrap(json.read(Templates.fill(c.getValue(), values)));
      if (found == null || (found instanceof List<?> l && l.isEmpty())) {
        return Attempt.failed(
            head
                + ": "
                + c.getValue()
                + " (for {"
                + c.getKey()
                + "}) matched nothing: "
                + tail(answer),
            true,
            false);
      }
      captured.put(c.getKey(), String.valueOf(found));
    }
    String summary = head + (captured.isEmpty() ? "" : " captured " + captured);
    if (hook.until().isPresent()) {
      HookCondition condition = filled(hook.until().get(), values);
      HookCondition.Result r = condition.test(json);
      summary += "; " + condition.describe() + ": " + r.actual();
      if (!r.passed()) {
        return new Attempt(new HookResult(false, summary, captured, answer), true, false, summary);
      }
    }
    return Attempt.passed(new HookResult(true, summary, captured, answer));
  }

  private static HookCondition filled(HookCondition c, Map<String, String> values) {
    return new HookCondition(
        Templates.fill(c.path(), values), c.op(), Templates.fill(c.value(), values));
  }

  private Optional<String> token() {
    return tokens.token();
  }

  /** The token of {@code settings}' token file, read at each call. */
  private static TokenSource fileToken(HooksSpec.HttpSettings settings) {
    return () -> {
      if (settings.bearerTokenFile().isEmpty()) {
        return Optional.empty();
      }
      Path file = settings.bearerTokenFile().get();
      try {
        String t = Files.readString(file, StandardCharsets.UTF_8).trim();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
      } catch (IOException e) {
        throw new MembershipException("cannot read the bearer token file " + file + " (" + e + ")");
      }
    };
  }

  private static String redact(String text, Optional<String> token) {
    String t = text == null ? "" : text;
    return token.map(s -> t.replace(s, "[token]")).orElse(t);
  }

  static String tail(String text) {
    String oneLine = text.strip().replaceAll("\\s*\\n\\s*", " | ");
    return oneLine.length() <= TAIL ? oneLine : "..." + oneLine.substring(oneLine.length() - TAIL);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MembershipException("interrupted while backing off");
    }
  }

  /** Why {@code caFile} cannot serve as the CA file of HTTP hooks, if it cannot. */
  public static Optional<String> checkCaFile(Path caFile) {
    try {
      trusting(caFile);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** An SSL context trusting the certificates of a PEM file (and nothing else). */
  static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, (X509Certificate) c);
      }
      if (i == 0) {
        throw new IllegalArgumentException("no certificate in " + caFile);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the CA file " + caFile + " (" + e + ")", e);
    }
  }

  /** One try: its result when it answered, else why it failed and whether another try may help. */
  private record Attempt(
      HookResult result, boolean retriable, boolean unreachable, String failure) {
    static Attempt passed(HookResult result) {
      return new Attempt(result, false, false, result.summary());
    }

    static Attempt failed(String why, boolean retriable, boolean unreachable) {
      return new Attempt(null, retriable, unreachable, why);
    }
  }
}
