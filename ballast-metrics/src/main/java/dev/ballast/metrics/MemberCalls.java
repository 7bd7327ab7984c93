package dev.ballast.metrics;

import dev.ballast.core.port.Member;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks every member at once and waits at most a deadline for all of them: a member that does not
 * answer in time counts as not answering, so one read of N silent members takes the deadline, not N
 * timeouts. Answers come back in the members' order.
 */
public final class MemberCalls {
  /** One member's call: its reply, or why there is none. */
  @FunctionalInterface
  public interface Call<T> {
    T call(Member member) throws IOException;
  }

  /** A member's reply ({@code value}) or its failure ({@code error}), never both. */
  public record Reply<T>(Member member, T value, String error) {
    public boolean answered() {
      return error == null;
    }
  }

  private static final AtomicInteger POOLS = new AtomicInteger();
  private final Duration deadline;
  private final ExecutorService pool;

  private MemberCalls(Duration deadline, int threads) {
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, got " + deadline);
    }
    int pool = POOLS.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    ThreadFactory daemons =
        r -> {
          Thread t = new Thread(r, "member-calls-" + pool + "-" + thread.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons);
    // Idle threads end, so a source nobody reads any more holds no thread.
    executor.allowCoreThreadTimeOut(true);
    this.pool = executor;
  }

  /**
   * Calls bounded by {@code deadline} in all, on up to 16 threads (daemons that end when idle, so
   * they never hold the JVM).
   */
  public static MemberCalls within(Duration deadline) {
    return new MemberCalls(deadline, 16);
  }

  /** The bound of one round of calls. */
  public Duration deadline() {
    return deadline;
  }

  /**
   * Calls {@code call} for every member in parallel; a member still busy at the deadline failed.
   */
  public <T> List<Reply<T>> callAll(List<Member> members, Call<T> call) {
    Map<Member, Future<T>> futures = new LinkedHashMap<>();
    for (Member m : members) {
      futures.put(m, pool.submit(() -> call.call(m)));
    }
    long end = System.nanoTime() + deadline.toNanos();
    List<Reply<T>> out = new ArrayList<>(members.size());
    for (Map.Entry<Member, Future<T>> e : futures.entrySet()) {
      Future<T> f = e.getValue();
      try {
        long left = Math.max(0, end - System.nanoTime());
        out.add(new Reply<>(e.getKey(), f.get(left, TimeUnit.NANOSECONDS), null));
      } catch (java.util.concurrent.TimeoutException timeout) {
        f.cancel(true);
        out.add(new Reply<>(e.getKey(), null, "no answer within " + deadline.toMillis() + " ms"));
      } catch (ExecutionException failed) {
        Throwable cause = failed.getCause();
        out.add(new Reply<>(e.getKey(), null, String.valueOf(cause.getMessage())));
      } catch (CancellationException cancelled) {
        out.add(new Reply<>(e.getKey(), null, "cancelled"));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        f.cancel(true);
        out.add(new Reply<>(e.getKey(), null, "interrupted"));
      }
    }
    return out;
  }
}
