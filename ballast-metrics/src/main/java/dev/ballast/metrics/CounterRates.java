package dev.ballast.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns successive reads of monotonic counters into per-second rates, one remembered read per key
 * (for example member ordinal plus metric). The first read of a key has no rate yet. A counter that
 * went down was reset (the process restarted, or ZooKeeper re-created its server after a leader
 * election): that interval has no rate either, unlike Prometheus' {@code rate()}, which counts the
 * new value as the increase. When in the interval the reset happened is unknown, so that figure can
 * be far too low, and a too-low value pushes the autoscaler towards removing a member; a missing
 * one is handled conservatively by the HPA's rules (counted at the target on a scale-down, at zero
 * on a scale-up). The next read measures from the new value. Time comes from the clock given.
 */
public final class CounterRates {
  private final Clock clock;
  private final Map<Object, Reading> last = new ConcurrentHashMap<>();

  public CounterRates(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Records {@code counter} for {@code key} now and returns its increase per second since the
   * previous read of that key; empty on the first read, when no time has passed, after a reset, or
   * when the value is not a finite number.
   */
  public OptionalDouble perSecond(Object key, double counter) {
    Instant now = clock.instant();
    if (!Double.isFinite(counter)) {
      return OptionalDouble.empty();
    }
    Reading previous = last.put(key, new Reading(counter, now));
    if (previous == null) {
      return OptionalDouble.empty();
    }
    double seconds = Duration.between(previous.at(), now).toNanos() / 1e9;
    if (seconds <= 0) {
      last.put(key, previous); // keep the older reading so the next interval is measurable
      return OptionalDouble.empty();
    }
    if (counter < previous.value()) {
      return OptionalDouble.empty(); // reset: see the class comment
    }
    return OptionalDouble.of((counter - previous.value()) / seconds);
  }

  /**
   * What a query reports for one read: the per-second rate of {@code value} under {@code key} when
   * {@code rate} is set (see {@link #perSecond}), else the value itself.
   */
  public OptionalDouble valueOrRate(boolean rate, Object key, double value) {
    return rate ? perSecond(key, value) : OptionalDouble.of(value);
  }

  /** Forgets every remembered read (for example after members changed identity). */
  public void clear() {
    last.clear();
  }

  private record Reading(double value, Instant at) {}
}
