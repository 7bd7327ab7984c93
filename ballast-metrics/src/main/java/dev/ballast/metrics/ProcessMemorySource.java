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
import java.util.OptionalLong;
import java.util.function.IntFunction;

/**
 * The resident memory of each local member's process in bytes ({@code VmRSS} of Linux' {@code
 * /proc/<pid>/status}), the {@code Resource} memory analogue. A member without a process is absent.
 * The metric is named {@value #METRIC}.
 */
public final class ProcessMemorySource implements MetricSource {
  /** The metric name this source answers. */
  public static final String METRIC = "memory";

  private final IntFunction<OptionalLong> pidOfOrdinal;
  private final Path procRoot;
  private final Clock clock;

  public ProcessMemorySource(IntFunction<OptionalLong> pidOfOrdinal, Path procRoot, Clock clock) {
    this.pidOfOrdinal = Objects.requireNonNull(pidOfOrdinal, "pidOfOrdinal");
    this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Reads the real {@code /proc}. */
  public static ProcessMemorySource linux(IntFunction<OptionalLong> pidOfOrdinal, Clock clock) {
    return new ProcessMemorySource(pidOfOrdinal, Path.of("/proc"), clock);
  }

  @Override
  public MetricSample read(String metricName, List<Member> members) {
    if (!METRIC.equals(metricName)) {
      throw new MetricUnavailableException(
          "process memory source only answers '" + METRIC + "', not '" + metricName + "'");
    }
    Map<Integer, Double> bytes = new LinkedHashMap<>();
    for (Member member : members) {
      OptionalLong pid = pidOfOrdinal.apply(member.ordinal());
      if (pid.isEmpty()) {
        continue;
      }
      try {
        String status =
            Files.readString(
                procRoot.resolve(Long.toString(pid.getAsLong())).resolve("status"),
                StandardCharsets.UTF_8);
        OptionalLong rss = residentBytes(status);
        if (rss.isPresent()) {
          bytes.put(member.ordinal(), (double) rss.getAsLong());
        }
      } catch (IOException e) {
        // The process is gone: absent, as a pod without metrics.
      }
    }
    return new MetricSample(metricName, clock.instant(), bytes);
  }

  /** {@code VmRSS: 12345 kB} in bytes; empty for a process without one (a zombie). */
  static OptionalLong residentBytes(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
      }
    }
    return OptionalLong.empty();
  }
}
