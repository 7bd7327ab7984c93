package dev.ballast.local.load;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Counts completed operations in 100 ms buckets and reports their rate over a sliding window (ops
 * per second), for the demo's live timeline. Thread-safe; time comes from the clock given.
 */
final class RateMeter {
  private static final long BUCKET_MS = 100;

  private final Clock clock;
  private final int buckets;
  private final long[] counts;
  private final long[] stamps;
  private final long startMs;

  RateMeter(Clock clock, Duration window) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.buckets = (int) Math.max(1, window.toMillis() / BUCKET_MS);
    this.counts = new long[buckets];
    this.stamps = new long[buckets];
    java.util.Arrays.fill(stamps, -1);
    this.startMs = clock.millis();
  }

  synchronized void record() {
    long bucket = clock.millis() / BUCKET_MS;
    int i = (int) (bucket % buckets);
    if (stamps[i] != bucket) {
      stamps[i] = bucket;
      counts[i] = 0;
    }
    counts[i]++;
  }

  /**
   * Operations per second over the window ending now; over the time since this meter was made when
   * that is shorter, so the first seconds are not understated.
   */
  synchronized double perSecond() {
    long nowMs = clock.millis();
    long now = nowMs / BUCKET_MS;
    long sum = 0;
    for (int i = 0; i < buckets; i++) {
      if (stamps[i] > now - buckets && stamps[i] <= now) {
        sum += counts[i];
      }
    }
    long spanMs = Math.min((long) buckets * BUCKET_MS, Math.max(BUCKET_MS, nowMs - startMs));
    return sum * 1000.0 / spanMs;
  }
}
