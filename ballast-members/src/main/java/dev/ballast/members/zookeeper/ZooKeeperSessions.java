package dev.ballast.members.zookeeper;

import dev.ballast.members.zookeeper.ZooKeeperMembership.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admin sessions kept open for reuse, one per server address, each talking to that server alone.
 * Opening and closing a session are each a transaction the ensemble commits, and the client lingers
 * 100 ms after the server has answered a close; a view of five servers that opened a session per
 * server spent most of its time there. A session is reused only while its client reports it
 * connected (a server that restarts, or leaves the quorum to look for a leader, drops its clients);
 * otherwise it is dropped and a fresh one opened. Requests on a reused session are the same reads
 * and writes as on a fresh one and reach the same server, so nothing they prove changes. Sessions
 * are closed in the background when dropped, and all of them by {@link #close}.
 */
final class ZooKeeperSessions implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperSessions.class);

  private final Duration timeout;
  private final Optional<String> digestAuth;
  private final ConcurrentMap<String, Session> open = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();
  private final ExecutorService closer =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "zk-session-close");
            t.setDaemon(true);
            return t;
          });

  ZooKeeperSessions(Duration timeout, Optional<String> digestAuth) {
    this.timeout = timeout;
    this.digestAuth = digestAuth;
  }

  /**
   * The session on the server at {@code address} ({@code host:port}): the open one when its client
   * is connected, else a new one (kept for later calls). Throws like {@link Session#open}.
   */
  Session get(String address) {
    Session s = open.get(address);
    if (s != null && s.connected()) {
      return s;
    }
    synchronized (locks.computeIfAbsent(address, a -> new Object())) {
      s = open.get(address);
      if (s != null && s.connected()) {
        return s;
      }
      if (s != null) {
        drop(s);
      }
      long t0 = System.nanoTime();
      Session fresh = Session.open(address, timeout, digestAuth);
      open.put(address, fresh);
      LOG.debug(
          "action=session-open server={} took={}ms",
          address,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      return fresh;
    }
  }

  /**
   * A session on one of the servers at {@code addresses}: an open, connected one if there is one
   * (in the given order), else a new session on the whole list (ZooKeeper's client then picks a
   * server that answers), which is closed when the lease is.
   */
  Lease lease(List<String> addresses) {
    for (String address : addresses) {
      Session s = open.get(address);
      if (s != null && s.connected()) {
        return new Lease(s, true);
      }
    }
    return new Lease(Session.open(String.join(",", addresses), timeout, digestAuth), false);
  }

  /** Forgets {@code session} (when it failed) and closes it in the background. */
  void drop(Session session) {
    open.values().remove(session);
    closeInBackground(session);
  }

  /** Closes the sessions on servers other than {@code addresses} (no longer asked about). */
  void retainOnly(Collection<String> addresses) {
    Set<String> keep = Set.copyOf(addresses);
    for (Map.Entry<String, Session> e : open.entrySet()) {
      if (!keep.contains(e.getKey()) && open.remove(e.getKey(), e.getValue())) {
        closeInBackground(e.getValue());
      }
    }
  }

  private Future<?> closeInBackground(Session session) {
    try {
      return closer.submit(session::close);
    } catch (RejectedExecutionException e) {
      session.close(); // after close(): no background any more
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * Closes every open session, waiting at most the request timeout for the connected ones. A
   * disconnected client (its server stopped) would only finish closing after its next attempt to
   * reconnect; its session, if the server still knows it, expires by itself.
   */
  @Override
  public void close() {
    List<Future<?>> closing = new ArrayList<>();
    for (Map.Entry<String, Session> e : open.entrySet()) {
      if (open.remove(e.getKey(), e.getValue())) {
        boolean connected = e.getValue().connected();
        Future<?> f = closeInBackground(e.getValue());
        if (connected) {
          closing.add(f);
        }
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Future<?> f : closing) {
      try {
        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        LOG.debug("action=session-close outcome=unfinished reason=\"{}\"", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closer.shutdown();
  }

  /**
   * A session for one call: {@link #close} closes it unless it is one of the kept sessions; {@link
   * #broken} drops it when the connection failed.
   */
  final class Lease implements AutoCloseable {
    private final Session session;
    private final boolean kept;
    private boolean dropped;

    private Lease(Session session, boolean kept) {
      this.session = session;
      this.kept = kept;
    }

    Session session() {
      return session;
    }

    /** The connection failed or timed out: do not reuse the session. */
    void broken() {
      if (!dropped) {
        dropped = true;
        drop(session);
      }
    }

    @Override
    public void close() {
      if (!kept && !dropped) {
        dropped = true;
        closeInBackground(session);
      }
    }
  }
}
