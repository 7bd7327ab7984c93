package dev.ballast.members.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small real HTTP services (JDK {@code HttpServer} on 127.0.0.1, free ports) that behave like the
 * member registries of the runbooks, for the hooks' tests. Not fakes of Ballast's own ports: they
 * are the applications the hooks talk to.
 */
public final class TestRegistries {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestRegistries() {}

  /**
   * A chat-server-like registry ({@code /cluster/nodes}) whose members hold sessions that take time
   * to move away: a drain hands off one session every {@code perSession}; a member is only deleted
   * once drained (else 409, and the attempt is remembered as a would-be loss). Optionally requires
   * a bearer token, and can answer 503 a given number of times first.
   */
  public static final class DrainingRegistry implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Integer> sessions = new LinkedHashMap<>();
    private final Map<String, Long> drainStartedNanos = new LinkedHashMap<>();
    private final long perSessionNanos;
    private final int sessionsPerMember;
    private final List<String> refusedDeletes = new ArrayList<>();
    private final List<String> seenAuthorization = new ArrayList<>();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String requiredToken;

    public DrainingRegistry(int sessionsPerMember, java.time.Duration perSession) {
      this.sessionsPerMember = sessionsPerMember;
      this.perSessionNanos = perSession.toNanos();
      this.server = bind();
      server.createContext("/cluster/nodes", this::handle);
      server.start();
    }

    public String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public DrainingRegistry requireToken(String token) {
      requiredToken = token;
      return this;
    }

    /** The next {@code times} requests are answered 503. */
    public void unavailableFor(int times) {
      unavailable.set(times);
    }

    public int requests() {
      return requests.get();
    }

    public synchronized List<String> ids() {
      return List.copyOf(sessions.keySet());
    }

    public synchronized void add(String id) {
      sessions.putIfAbsent(id, sessionsPerMember);
    }

    /** Deletes that were refused because the member still held sessions. */
    public synchronized List<String> refusedDeletes() {
      return List.copyOf(refusedDeletes);
    }

    public synchronized List<String> seenAuthorization() {
      return List.copyOf(seenAuthorization);
    }

    private synchronized void handle(HttpExchange ex) throws IOException {
      requests.incrementAndGet();
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      seenAuthorization.add(String.valueOf(auth));
      if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        send(ex, 503, Map.of("error", "starting up"));
        return;
      }
      if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
        send(ex, 401, Map.of("error", "unauthorized, got " + auth));
        return;
      }
      String[] parts = ex.getRequestURI().getPath().split("/");
      // "", "cluster", "nodes", [id], ["drain"]
      String method = ex.getRequestMethod();
      if (parts.length == 3 && method.equals("GET")) {
        List<Map<String, Object>> nodes = new ArrayList<>();
        refresh();
        sessions.forEach((id, n) -> nodes.add(Map.of("id", id, "sessions", n)));
        send(ex, 200, Map.of("nodes", nodes));
      } else if (parts.length == 3 && method.equals("POST")) {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        String id = body.path("id").asText();
        sessions.putIfAbsent(id, sessionsPerMember);
        send(ex, 200, Map.of("id", id));
      } else if (parts.length == 5 && parts[4].equals("drain")) {
        String id = parts[3];
        if (!sessions.containsKey(id)) {
          send(ex, 404, Map.of("error", "no node " + id));
          return;
        }
        if (method.equals("POST")) {
          drainStartedNanos.putIfAbsent(id, System.nanoTime());
        } else if (method.equals("DELETE")) {
          drainStartedNanos.remove(id);
        }
        refresh();
        send(
            ex,
            200,
            Map.of(
                "remaining",
                sessions.get(id),
                "state",
                drainStartedNanos.containsKey(id) ? "draining" : "serving"));
      } else if (parts.length == 4 && method.equals("DELETE")) {
        String id = parts[3];
        refresh();
        Integer left = sessions.get(id);
        if (left != null && left > 0) {
          refusedDeletes.add(id);
          send(ex, 409, Map.of("error", id + " still holds " + left + " sessions"));
          return;
        }
        sessions.remove(id);
        drainStartedNanos.remove(id);
        send(ex, 200, Map.of("deleted", id));
      } else {
        send(ex, 404, Map.of("error", "no route " + method + " " + ex.getRequestURI()));
      }
    }

    private void refresh() {
      long now = System.nanoTime();
      drainStartedNanos.forEach(
          (id, started) -> {
            long moved =
                perSessionNanos == 0 ? sessionsPerMember : (now - started) / perSessionNanos;
            sessions.computeIfPresent(id, (k, v) -> (int) Math.max(0, sessionsPerMember - moved));
          });
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /**
   * A storage system's meta servers (three, one leader) and their chunk table: a chunk registers
   * itself ({@code POST /chunks}), is reported {@code CHUNK_STATUS_SESSION_EXPIRED} once its
   * address stops accepting connections (probed every 100 ms), and can only be unregistered by the
   * leader (others answer 421 naming it), and only once expired (else 409).
   */
  public static final class MetaCluster implements AutoCloseable {
    private final List<HttpServer> servers = new ArrayList<>();
    private final Map<Integer, Map<String, Object>> chunks = new LinkedHashMap<>();
    private final List<String> unregisteredBy = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();
    private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor();
    private int nextId = 1;
    private final int leader;
    private final java.util.function.UnaryOperator<String> hostAddress;

    public MetaCluster(int leader) {
      this(leader, host -> host);
    }

    /**
     * With {@code hostAddress} giving the address a chunk's host name stands for (e.g. a pod's DNS
     * name that only a test's hosts file knows), for the probe.
     */
    public MetaCluster(int leader, java.util.function.UnaryOperator<String> hostAddress) {
      this.leader = leader;
      this.hostAddress = hostAddress;
      for (int i = 0; i < 3; i++) {
        int index = i;
        HttpServer s = bind();
        s.createContext("/", ex -> handle(index, ex));
        s.start();
        servers.add(s);
      }
      prober.scheduleWithFixedDelay(this::probe, 100, 100, TimeUnit.MILLISECONDS);
    }

    public String url(int index) {
      return "http://" + address(index);
    }

    public String address(int index) {
      return "127.0.0.1:" + servers.get(index).getAddress().getPort();
    }

    public synchronized List<String> ips() {
      return chunks.values().stream().map(c -> (String) c.get("ip")).toList();
    }

    /** "meta N unregistered chunk ID" for each successful unregister. */
    public synchronized List<String> unregisteredBy() {
      return List.copyOf(unregisteredBy);
    }

    public synchronized List<String> refused() {
      return List.copyOf(refused);
    }

    public synchronized Optional<Integer> idOf(String ip) {
      return chunks.entrySet().stream()
          .filter(e -> ip.equals(e.getValue().get("ip")))
          .map(Map.Entry::getKey)
          .findFirst();
    }

    public synchronized void register(String ip) {
      if (idOf(ip).isEmpty()) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", nextId);
        c.put("ip", ip);
        c.put("status", "CHUNK_STATUS_ACTIVE");
        chunks.put(nextId++, c);
      }
    }

    private void probe() {
      List<Map<String, Object>> all;
      synchronized (this) {
        all = List.copyOf(chunks.values());
      }
      for (Map<String, Object> c : all) {
        String[] hp = ((String) c.get("ip")).split(":");
        boolean up;
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(hostAddress.apply(hp[0]), Integer.parseInt(hp[1])), 200);
          up = true;
        } catch (IOException e) {
          up = false;
        }
        synchronized (this) {
          c.put("status", up ? "CHUNK_STATUS_ACTIVE" : "CHUNK_STATUS_SESSION_EXPIRED");
        }
      }
    }

    private synchronized void handle(int index, HttpExchange ex) throws IOException {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      if (path.equals("/leader")) {
        send(ex, 200, Map.of("leader", address(leader)));
      } else if (path.equals("/chunks") && method.equals("GET")) {
        send(ex, 200, Map.of("chunks", List.copyOf(chunks.values())));
      } else if (path.equals("/chunks") && method.equals("POST")) {
        register(JSON.readTree(ex.getRequestBody()).path("ip").asText());
        send(ex, 200, Map.of("chunks", List.copyOf(chunks.values())));
      } else if (path.startsWith("/chunks/")
          && path.endsWith("/unregister")
          && method.equals("POST")) {
        int id = Integer.parseInt(path.split("/")[2]);
        if (index != leader) {
          refused.add("meta " + index + ": not leader");
          send(ex, 421, Map.of("error", "not the leader", "leader", address(leader)));
          return;
        }
        Map<String, Object> c = chunks.get(id);
        if (c == null) {
          send(ex, 200, Map.of("unregistered", id, "note", "already gone"));
          return;
        }
        if (!"CHUNK_STATUS_SESSION_EXPIRED".equals(c.get("status"))) {
          refused.add("chunk " + id + ": still active");
          send(ex, 409, Map.of("error", "chunk " + id + " is still active"));
          return;
        }
        chunks.remove(id);
        unregisteredBy.add("meta " + index + " unregistered chunk " + id);
        send(ex, 200, Map.of("unregistered", id));
      } else {
        send(ex, 404, Map.of("error", "no route " + method + " " + path));
      }
    }

    @Override
    public void close() {
      prober.shutdownNow();
      servers.forEach(s -> s.stop(0));
    }
  }

  /** A member's own endpoint: answers {@code GET /health} with 200 while open. */
  public static final class MemberEndpoint implements AutoCloseable {
    private final HttpServer server;

    public MemberEndpoint() {
      server = bind();
      server.createContext("/health", ex -> send(ex, 200, Map.of("status", "ok")));
      server.start();
    }

    public int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  static HttpServer bind() {
    try {
      return HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void send(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (var out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
