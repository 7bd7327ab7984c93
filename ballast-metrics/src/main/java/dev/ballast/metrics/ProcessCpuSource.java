package dev.ballast.metrics;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU used by each local member's process, in cores (1.0 = one core busy), read from Linux'
 * {@code /proc/<pid>/stat}: the growth of user plus system time between two reads divided by the
 * wall time between them, like the {@code Resource} cpu metric of the HPA. The caller maps a member
 * ordinal to its pid; a member without a pid or whose process is gone is absent, and the first read
 * of a process has no value yet. The metric is named {@value #METRIC}.
 */
public final class ProcessCpuSource implements MetricSource {
  /** The metric name this source answers. */
  public static final String METRIC = "cpu";

  /**
   * Clock ticks per second of {@code /proc/<pid>/stat} times ({@code getconf CLK_TCK}); 100 on
   * Linux on every common architecture.
   */
  public static final int LINUX_CLOCK_TICKS = 100;

  private static final Logger LOG = LoggerFactory.getLogger(ProcessCpuSource.class);

  private final IntFunction<OptionalLong> pidOfOrdinal;
  private final Path procRoot;
  private final int ticksPerSecond;
  private final Clock clock;
  private final CounterRates rates;

  /**
   * Reads {@code <procRoot>/<pid>/stat} ({@code procRoot} is {@code /proc} outside tests).
   *
   * @param pidOfOrdinal the pid of the member with that ordinal, empty when it has no process
   */
  public ProcessCpuSource(
      IntFunction<OptionalLong> pidOfOrdinal, Path procRoot, int ticksPerSecond, Clock clock) {
    this.pidOfOrdinal = Objects.requireNonNull(pidOfOrdinal, "pidOfOrdinal");
    this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
    if (ticksPerSecond <= 0) {
      throw new IllegalArgumentException("ticksPerSecond must be > 0, was " + ticksPerSecond);
    }
    this.ticksPerSecond = ticksPerSecond;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rates = new CounterRates(clock);
  }

  /** Reads the real {@code /proc} with Linux' usual 100 ticks per second. */
  public static ProcessCpuSource linux(IntFunction<OptionalLong> pidOfOrdinal, Clock clock) {
    return new ProcessCpuSource(pidOfOrdinal, Path.of("/proc"), LINUX_CLOCK_TICKS, clock);
  }

  @Override
  public MetricSample read(String metricName, List<Member> members) {
    if (!METRIC.equals(metricName)) {
      throw new MetricUnavailableException(
          "process CPU source only answers '" + METRIC + "', not '" + metricName + "'");
    }
    if (!Files.isDirectory(procRoot)) {
      throw new MetricUnavailableException(
          "process CPU needs " + procRoot + " (Linux); it is not there on this system");
    }
    Map<Integer, Double> cores = new LinkedHashMap<>();
    for (Member member : members) {
      OptionalLong pid = pidOfOrdinal.apply(member.ordinal());
      if (pid.isEmpty()) {
        continue;
      }
      OptionalDouble cpuSeconds = cpuSeconds(pid.getAsLong());
      if (cpuSeconds.isEmpty()) {
        continue;
      }
      // Keyed by pid as well: a restarted member is a new process whose time starts from zero.
      OptionalDouble rate =
          rates.perSecond(new Key(member.ordinal(), pid.getAsLong()), cpuSeconds.getAsDouble());
      if (rate.isPresent()) {
        cores.put(member.ordinal(), rate.getAsDouble());
      }
    }
    return new MetricSample(metricName, clock.instant(), cores);
  }

  /** User plus system CPU seconds of {@code pid}, or empty when the process is gone. */
  OptionalDouble cpuSeconds(long pid) {
    Path stat = procRoot.resolve(Long.toString(pid)).resolve("stat");
    String text;
    try {
      text = Files.readString(stat, StandardCharsets.UTF_8);
    } catch (IOException e) {
      LOG.debug("no stat for pid={}: {}", pid, e.toString());
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(parseCpuTicks(text) / (double) ticksPerSecond);
  }

  /**
   * utime + stime, in clock ticks, from a {@code /proc/<pid>/stat} line: fields 14 and 15. The
   * command name (field 2) is in parentheses and may hold spaces and parentheses itself, so fields
   * are counted after its last {@code ')'}, where field 3 starts.
   */
  static long parseCpuTicks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new MetricUnavailableException("unexpected /proc stat line: no command name");
    }
    String[] fields = stat.substring(close + 1).strip().split("\\s+");
    if (fields.length < 13) {
      throw new MetricUnavailableException(
          "unexpected /proc stat line: only " + (fields.length + 2) + " fields");
    }
    try {
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (NumberFormatException e) {
      throw new MetricUnavailableException("unexpected /proc stat line: utime/stime", e);
    }
  }

  private record Key(int ordinal, long pid) {}
}
