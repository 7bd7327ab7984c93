package dev.ballast.local.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's load: writes and reads against a local ZooKeeper ensemble following a {@link
 * RateProfile}, bounded in time and count, then verifies that every acknowledged write is still
 * readable with its value.
 *
 * <p><b>Writes.</b> Each write creates a persistent znode with a path unique to the run and the
 * write ({@code <base>/<run>-<seq>}) and a value naming both, so that a write can be retried
 * without ever meaning anything else. A write is <em>acknowledged</em> when ZooKeeper answers OK.
 *
 * <p><b>Member changes.</b> The client connects with every member's address and follows {@link
 * #updateConnectString} as members come and go; a new session replaces an expired one. A write that
 * fails with a connection loss, a timeout or an expired session has an <em>unknown outcome</em>:
 * the server may have committed it before the answer was lost. It is retried with the same path and
 * value for up to {@link LoadSettings#retryFor()}. When a retry answers "node exists" and the node
 * holds this write's value, the earlier attempt committed, so the write is acknowledged (nobody
 * else writes that path). A write whose retries run out while its outcome is still unknown is kept
 * <em>in doubt</em>; verification reads it: found with its value, it committed and counts as
 * acknowledged ({@link LoadResult#resolvedOnVerification()}); absent, it never committed and counts
 * as a failed attempt. A write that got a definite error is a failed attempt. Only an acknowledged
 * write that verification cannot find with its value is <em>lost</em>.
 *
 * <p><b>Reads</b> fetch a random acknowledged znode; they count toward the achieved rate and are
 * not retried. In-flight operations (writes under retry included) are capped, so an unavailable
 * ensemble slows the achieved rate rather than piling up requests; operations the cap prevented are
 * counted as skipped.
 */
public final class ZooKeeperLoadGenerator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperLoadGenerator.class);
  private static final long TICK_MS = 20;
  private static final int VERIFY_BATCH = 500;

  private final LoadSettings settings;
  private final Clock clock;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final SplittableRandom random;
  private final ScheduledExecutorService scheduler;
  private final RateMeter meter;

  private final List<Write> acknowledged = Collections.synchronizedList(new ArrayList<>());
  private final Queue<Write> inDoubt = new ConcurrentLinkedQueue<>();
  private final Set<Write> unsettled = ConcurrentHashMap.newKeySet();
  private final AtomicLong attempted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong readFailures = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object settled = new Object();

  private volatile String connectString;
  private final LoadClient.Factory clients;
  private final AtomicLong retries = new AtomicLong();
  private volatile LoadClient zk;
  private volatile Instant startedAt;
  private volatile boolean issuing;
  private volatile boolean closed;
  private ScheduledFuture<?> ticker;

  // Touched only on the scheduler thread.
  private double accounted;
  private long issued;
  private long writeSeq;

  public ZooKeeperLoadGenerator(LoadSettings settings, Clock clock) {
    this(settings, clock, LoadClient::open);
  }

  ZooKeeperLoadGenerator(LoadSettings settings, Clock clock, LoadClient.Factory clients) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.connectString = settings.connectString();
    this.random = new SplittableRandom(settings.seed());
    this.meter = new RateMeter(clock, Duration.ofSeconds(5));
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ballast-load");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects (waiting up to twice the session timeout), creates the base path, and starts issuing
   * operations along the profile. Fails when the ensemble cannot be reached.
   */
  public synchronized void start() throws IOException, InterruptedException {
    if (startedAt != null) {
      throw new IllegalStateException("the load generator was already started");
    }
    CountDownLatch connected = new CountDownLatch(1);
    zk = newSession(connected);
    if (!connected.await(settings.sessionTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)) {
      close();
      throw new IOException(
          "could not connect to ZooKeeper at "
              + connectString
              + " within "
              + settings.sessionTimeout().multipliedBy(2));
    }
    createBasePath();
    startedAt = clock.instant();
    issuing = true;
    LOG.info(
        "load started run={} connect={} peakRate={} duration={} writeFraction={}",
        runId,
        connectString,
        settings.profile().peakRate(),
        settings.profile().total(),
        settings.writeFraction());
    ticker = scheduler.scheduleAtFixedRate(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * Points the client at a new member list (loopback only), for example after a member joined or
   * left. The live session moves to a listed server if its own is no longer listed; a new session
   * uses the new list.
   */
  public void updateConnectString(String newConnectString) {
    ConnectStrings.requireLoopback(newConnectString);
    this.connectString = newConnectString;
    LoadClient current = zk;
    if (current != null && current.isAlive()) {
      try {
        current.updateServerList(newConnectString);
      } catch (IOException | IllegalArgumentException e) {
        LOG.warn(
            "could not update the server list connect={} error={}", newConnectString, e.toString());
      }
    }
    LOG.info("load connect string updated connect={}", newConnectString);
  }

  /** The connect string in use. */
  public String connectString() {
    return connectString;
  }

  /** Counts and rates right now. */
  public LoadStats stats() {
    Instant start = startedAt;
    Duration elapsed = start == null ? Duration.ZERO : Duration.between(start, clock.instant());
    return new LoadStats(
        elapsed,
        issuing ? settings.profile().rateAt(elapsed) : 0,
        meter.perSecond(),
        attempted.get(),
        acknowledged.size(),
        failed.get(),
        inDoubt.size(),
        retries.get(),
        reads.get(),
        readFailures.get(),
        skipped.get(),
        inFlight.get(),
        !issuing && inFlight.get() == 0);
  }

  /** Stops issuing new operations; writes under retry go on until they settle. */
  public void stop() {
    issuing = false;
    notifySettled();
  }

  /**
   * Waits until the profile has run out (or {@link #stop} was called) and every operation has
   * settled; false when {@code timeout} passed first.
   */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (settled) {
      while (issuing || inFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(settled, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
      }
    }
    return true;
  }

  /**
   * Stops issuing, lets writes under retry settle (for at most half of {@code timeout}), then reads
   * back every acknowledged and in-doubt write and counts the outcome; a write still unsettled then
   * is read back like one in doubt. Reads that fail for connection reasons are retried until {@code
   * timeout}; what is still unread then is reported as unverified.
   */
  public LoadResult verify(Duration timeout) throws InterruptedException {
    if (startedAt == null) {
      throw new IllegalStateException("the load generator was never started");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    stop();
    if (!awaitFinished(timeout.dividedBy(2))) {
      LOG.warn("load verification started with operations in flight inFlight={}", inFlight.get());
    }
    // Writes still unsettled at the deadline are read back like writes in doubt. Taken before
    // the acknowledged ones, so that a write settling in between is read back, never skipped.
    List<Write> doubtful = new ArrayList<>(unsettled);
    List<Write> acked;
    synchronized (acknowledged) {
      acked = new ArrayList<>(acknowledged);
    }
    Set<Write> ackedSet = Collections.newSetFromMap(new IdentityHashMap<>());
    ackedSet.addAll(acked);
    doubtful.removeIf(ackedSet::contains);
    for (Write w : inDoubt) {
      if (!doubtful.contains(w)) {
        doubtful.add(w);
      }
    }
    syncBasePath(deadline);
    Outcome[] ackedOutcomes = readBack(acked, deadline);
    Outcome[] doubtOutcomes = readBack(doubtful, deadline);

    long lost = 0;
    long unverified = 0;
    List<String> lostPaths = new ArrayList<>();
    for (int i = 0; i < acked.size(); i++) {
      switch (ackedOutcomes[i]) {
        case PRESENT -> {}
        case ABSENT, OTHER_VALUE -> {
          lost++;
          if (lostPaths.size() < 20) {
            lostPaths.add(acked.get(i).path);
          }
        }
        case UNKNOWN -> unverified++;
      }
    }
    long resolved = 0;
    long neverCommitted = 0;
    for (Outcome o : doubtOutcomes) {
      switch (o) {
        case PRESENT -> resolved++;
        case ABSENT, OTHER_VALUE -> neverCommitted++;
        case UNKNOWN -> unverified++;
      }
    }
    LoadResult result =
        new LoadResult(
            attempted.get(),
            acked.size() + resolved,
            resolved,
            lost,
            failed.get() + neverCommitted,
            unverified,
            reads.get(),
            readFailures.get(),
            lostPaths);
    if (lost > 0) {
      LOG.warn("load verification found lost writes lost={} examples={}", lost, lostPaths);
    }
    LOG.info(
        "load verified run={} attempted={} acknowledged={} resolvedOnVerification={} lost={}"
            + " failedAttempts={} unverified={}",
        runId,
        result.attempted(),
        result.acknowledged(),
        resolved,
        lost,
        result.failedAttempts(),
        unverified);
    return result;
  }

  /** Stops everything and closes the ZooKeeper session. */
  @Override
  public void close() {
    closed = true;
    issuing = false;
    scheduler.shutdownNow();
    LoadClient current = zk;
    if (current != null) {
      try {
        current.close(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    notifySettled();
  }

  // ---- issuing ----

  private void tick() {
    try {
      if (!issuing) {
        finishIssuing();
        return;
      }
      Duration elapsed = Duration.between(startedAt, clock.instant());
      RateProfile profile = settings.profile();
      if (elapsed.compareTo(profile.total()) >= 0 || issued >= settings.maxOperations()) {
        if (issued < settings.maxOperations()) {
          // What the cap still held back when the profile ended was never sent.
          skipped.addAndGet(
              (long) Math.max(0, Math.floor(profile.operationsBy(elapsed) - accounted)));
          accounted = profile.operationsBy(elapsed);
        }
        finishIssuing();
        return;
      }
      double due = profile.operationsBy(elapsed);
      long owed = (long) Math.floor(due - accounted);
      long room = settings.maxInFlight() - inFlight.get();
      long n = Math.max(0, Math.min(owed, Math.min(room, settings.maxOperations() - issued)));
      for (long i = 0; i < n; i++) {
        if (random.nextDouble() < settings.writeFraction()) {
          issueWrite();
        } else {
          issueRead();
        }
      }
      issued += n;
      accounted += n;
      // Operations the in-flight cap held back are dropped after half a second rather than sent
      // in a burst later: the achieved rate then shows that the ensemble could not keep up.
      double backlogCap = Math.max(1, profile.rateAt(elapsed) * 0.5);
      if (due - accounted > backlogCap) {
        skipped.addAndGet((long) (due - accounted - backlogCap));
        accounted = due - backlogCap;
      }
    } catch (RuntimeException e) {
      LOG.error("load tick failed", e);
    }
  }

  private void finishIssuing() {
    if (ticker != null) {
      ticker.cancel(false);
    }
    if (issuing) {
      issuing = false;
      LOG.info("load profile finished run={} issued={}", runId, issued);
    }
    notifySettled();
  }

  private void issueWrite() {
    long seq = writeSeq++;
    String path = String.format("%s/%s-%010d", settings.basePath(), runId, seq);
    attempted.incrementAndGet();
    inFlight.incrementAndGet();
    Write w = new Write(path, value(seq), clock.instant());
    unsettled.add(w);
    submitCreate(w);
  }

  private byte[] value(long seq) {
    byte[] value = new byte[settings.payloadBytes()];
    Arrays.fill(value, (byte) '.');
    byte[] head = ("ballast-load " + runId + " " + seq + " ").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, value, 0, Math.min(head.length, value.length));
    return value;
  }

  private void submitCreate(Write w) {
    w.attempts++;
    try {
      zk.create(w.path, w.value, onCreate, w);
    } catch (RuntimeException e) {
      // For example a client closed under us: the request was never sent.
      LOG.debug("create not submitted path={} error={}", w.path, e.toString());
      retryOrGiveUp(w);
    }
  }

  private final AsyncCallback.StringCallback onCreate =
      (rc, path, ctx, name) -> {
        Write w = (Write) ctx;
        Code code = Code.get(rc);
        switch (code) {
          case OK -> acknowledge(w);
          case NODEEXISTS -> {
            if (w.attempts > 1 || w.doubt) {
              confirm(w);
            } else {
              LOG.warn("load write path already taken by someone else path={}", w.path);
              fail(w);
            }
          }
          case CONNECTIONLOSS, OPERATIONTIMEOUT, SESSIONEXPIRED, SESSIONMOVED -> {
            w.doubt = true;
            if (code == Code.SESSIONEXPIRED) {
              renewSessionLater();
            }
            retryOrGiveUp(w);
          }
          default -> {
            if (w.doubt) {
              // An earlier attempt may still have committed: let verification decide.
              giveUpInDoubt(w);
            } else {
              LOG.debug("load write failed path={} code={}", w.path, code);
              fail(w);
            }
          }
        }
      };

  /** After "node exists" on a retry: the node is ours if it holds this write's value. */
  private void confirm(Write w) {
    try {
      zk.getData(
          w.path,
          (rc, path, ctx, data, stat) -> {
            Code code = Code.get(rc);
            if (code == Code.OK) {
              if (Arrays.equals(data, w.value)) {
                acknowledge(w);
              } else {
                LOG.warn("load write path holds another value path={}", w.path);
                fail(w);
              }
            } else if (code == Code.SESSIONEXPIRED) {
              renewSessionLater();
              retryOrGiveUp(w);
            } else {
              retryOrGiveUp(w);
            }
          },
          w);
    } catch (RuntimeException e) {
      retryOrGiveUp(w);
    }
  }

  private void retryOrGiveUp(Write w) {
    Duration trying = Duration.between(w.firstAttempt, clock.instant());
    if (closed || trying.compareTo(settings.retryFor()) >= 0) {
      if (w.doubt) {
        giveUpInDoubt(w);
      } else {
        fail(w);
      }
      return;
    }
    retries.incrementAndGet();
    long backoffMs = Math.min(1000, 50L << Math.min(5, w.attempts - 1));
    try {
      scheduler.schedule(() -> submitCreate(w), backoffMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException rejectedAfterClose) {
      giveUpInDoubt(w);
    }
  }

  private void acknowledge(Write w) {
    acknowledged.add(w);
    unsettled.remove(w);
    meter.record();
    settle();
  }

  private void fail(Write w) {
    failed.incrementAndGet();
    unsettled.remove(w);
    settle();
  }

  private void giveUpInDoubt(Write w) {
    inDoubt.add(w);
    unsettled.remove(w);
    settle();
  }

  private void issueRead() {
    String path;
    synchronized (acknowledged) {
      path =
          acknowledged.isEmpty()
              ? settings.basePath()
              : acknowledged.get(random.nextInt(acknowledged.size())).path;
    }
    inFlight.incrementAndGet();
    try {
      zk.getData(
          path,
          (rc, p, ctx, data, stat) -> {
            if (rc == Code.OK.intValue()) {
              reads.incrementAndGet();
              meter.record();
            } else {
              readFailures.incrementAndGet();
              if (rc == Code.SESSIONEXPIRED.intValue()) {
                renewSessionLater();
              }
            }
            settle();
          },
          null);
    } catch (RuntimeException e) {
      readFailures.incrementAndGet();
      settle();
    }
  }

  private void settle() {
    inFlight.decrementAndGet();
    notifySettled();
  }

  private void notifySettled() {
    synchronized (settled) {
      settled.notifyAll();
    }
  }

  // ---- sessions ----

  private LoadClient newSession(CountDownLatch connected) throws IOException {
    return clients.open(
        connectString, settings.sessionTimeout(), event -> onSessionEvent(event, connected));
  }

  private void onSessionEvent(WatchedEvent event, CountDownLatch connected) {
    if (event.getType() != Watcher.Event.EventType.None) {
      return;
    }
    switch (event.getState()) {
      case SyncConnected -> connected.countDown();
      case Expired -> {
        LOG.warn("load session expired; opening a new one connect={}", connectString);
        renewSessionLater();
      }
      default -> {}
    }
  }

  private void renewSessionLater() {
    if (closed) {
      return;
    }
    try {
      // Not on the client's event thread, which must not close its own client.
      scheduler.execute(this::renewSessionIfDead);
    } catch (RuntimeException rejectedAfterClose) {
      // closing: nothing to renew
    }
  }

  private synchronized void renewSessionIfDead() {
    LoadClient current = zk;
    if (closed || (current != null && current.isAlive())) {
      return;
    }
    try {
      zk = newSession(new CountDownLatch(1));
      if (current != null) {
        current.close(1000);
      }
    } catch (IOException e) {
      LOG.warn(
          "load could not open a new session connect={} error={}", connectString, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- setup and verification ----

  private void createBasePath() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + settings.sessionTimeout().multipliedBy(3).toNanos();
    StringBuilder prefix = new StringBuilder();
    for (String part : settings.basePath().substring(1).split("/")) {
      prefix.append('/').append(part);
      String path = prefix.toString();
      while (true) {
        try {
          zk.createNow(path);
          break;
        } catch (KeeperException.NodeExistsException e) {
          break;
        } catch (KeeperException.ConnectionLossException
            | KeeperException.OperationTimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IOException(
                "could not create " + path + " in ZooKeeper: " + e.getMessage(), e);
          }
          Thread.sleep(100); // a backoff between retries, not a wait for a condition
        } catch (KeeperException e) {
          throw new IOException("could not create " + path + " in ZooKeeper: " + e.getMessage(), e);
        }
      }
    }
  }

  /** Makes the server this client reads from catch up with the leader before reading back. */
  private void syncBasePath(long deadline) throws InterruptedException {
    while (System.nanoTime() < deadline) {
      renewSessionIfDead();
      CountDownLatch done = new CountDownLatch(1);
      AtomicReference<Code> result = new AtomicReference<>(Code.CONNECTIONLOSS);
      try {
        zk.sync(
            settings.basePath(),
            (rc, path, ctx) -> {
              result.set(Code.get(rc));
              done.countDown();
            });
      } catch (RuntimeException e) {
        done.countDown();
      }
      done.await(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      if (result.get() == Code.OK) {
        return;
      }
      Thread.sleep(200); // backoff before the next attempt
    }
    LOG.warn("load verification could not sync with the leader before its deadline");
  }

  private enum Outcome {
    PRESENT,
    ABSENT,
    OTHER_VALUE,
    UNKNOWN
  }

  /** Reads every write back, pipelined in batches, retrying connection failures until deadline. */
  private Outcome[] readBack(List<Write> writes, long deadline) throws InterruptedException {
    Outcome[] outcomes = new Outcome[writes.size()];
    Arrays.fill(outcomes, Outcome.UNKNOWN);
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < writes.size(); i++) {
      pending.add(i);
    }
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      renewSessionIfDead();
      List<Integer> retry = new ArrayList<>();
      for (int from = 0; from < pending.size(); from += VERIFY_BATCH) {
        List<Integer> batch = pending.subList(from, Math.min(pending.size(), from + VERIFY_BATCH));
        CountDownLatch done = new CountDownLatch(batch.size());
        for (int index : batch) {
          Write w = writes.get(index);
          try {
            zk.getData(
                w.path,
                (rc, path, ctx, data, stat) -> {
                  Code code = Code.get(rc);
                  if (code == Code.OK) {
                    outcomes[index] =
                        Arrays.equals(data, w.value) ? Outcome.PRESENT : Outcome.OTHER_VALUE;
                  } else if (code == Code.NONODE) {
                    outcomes[index] = Outcome.ABSENT;
                  }
                  done.countDown();
                },
                null);
          } catch (RuntimeException e) {
            done.countDown();
          }
        }
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        if (!done.await(left, TimeUnit.MILLISECONDS)) {
          break;
        }
        for (int index : batch) {
          if (outcomes[index] == Outcome.UNKNOWN) {
            retry.add(index);
          }
        }
      }
      if (retry.size() == pending.size()) {
        Thread.sleep(200); // nothing got through: back off before the next round
      }
      pending = retry;
    }
    return outcomes;
  }

  private static final class Write {
    final String path;
    final byte[] value;
    final Instant firstAttempt;
    volatile int attempts;
    volatile boolean doubt;

    Write(String path, byte[] value, Instant firstAttempt) {
      this.path = path;
      this.value = value;
      this.firstAttempt = firstAttempt;
    }
  }
}
