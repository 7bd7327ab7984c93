package dev.ballast.sim;

import java.util.Arrays;
import java.util.Objects;

/**
 * A workload trace: demand per interval, in the trace's own unit (requests per minute, CPU %...).
 * Row {@code i} holds {@code values[i]} from {@code times[i]} (epoch seconds) for {@code
 * intervalSeconds}. The interval is the smallest step between rows; a step longer than 1.5
 * intervals is a <em>gap</em>: no demand is known there, and the simulator skips it (see {@link
 * Simulator}).
 */
public final class Trace {
  private final String name;
  private final long[] times;
  private final double[] values;
  private final long intervalSeconds;

  public Trace(String name, long[] times, double[] values) {
    this.name = Objects.requireNonNull(name, "name");
    if (times.length != values.length) {
      throw new IllegalArgumentException("times and values differ in length");
    }
    if (times.length < 2) {
      throw new IllegalArgumentException("a trace needs at least 2 rows, has " + times.length);
    }
    long interval = Long.MAX_VALUE;
    for (int i = 1; i < times.length; i++) {
      long step = times[i] - times[i - 1];
      if (step <= 0) {
        throw new IllegalArgumentException("timestamps must increase (row " + i + ")");
      }
      interval = Math.min(interval, step);
    }
    for (double v : values) {
      if (!Double.isFinite(v) || v < 0) {
        throw new IllegalArgumentException("values must be finite and >= 0, found " + v);
      }
    }
    this.times = times.clone();
    this.values = values.clone();
    this.intervalSeconds = interval;
  }

  public String name() {
    return name;
  }

  public int size() {
    return times.length;
  }

  public long time(int row) {
    return times[row];
  }

  public double value(int row) {
    return values[row];
  }

  /** The smallest step between rows, in seconds. */
  public long intervalSeconds() {
    return intervalSeconds;
  }

  /** The end of the last row's interval (epoch seconds). */
  public long endTime() {
    return times[times.length - 1] + intervalSeconds;
  }

  /** The end of row {@code i}'s interval: the next row's time, or one interval for a gap. */
  public long rowEnd(int row) {
    long end = times[row] + intervalSeconds;
    return end;
  }

  /** Whether a gap (no rows) follows row {@code i}. */
  public boolean gapAfter(int row) {
    return row + 1 < times.length && times[row + 1] - times[row] > intervalSeconds * 3 / 2;
  }

  /** The number of gaps. */
  public int gaps() {
    int n = 0;
    for (int i = 0; i + 1 < times.length; i++) {
      if (gapAfter(i)) {
        n++;
      }
    }
    return n;
  }

  /** The largest value. */
  public double peak() {
    return Arrays.stream(values).max().orElse(0);
  }

  /** The first {@code rows} rows, as a new trace (for tests and quick looks). */
  public Trace head(int rows) {
    return new Trace(name, Arrays.copyOf(times, rows), Arrays.copyOf(values, rows));
  }
}
