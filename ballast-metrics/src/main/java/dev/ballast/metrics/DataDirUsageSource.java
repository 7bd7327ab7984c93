package dev.ballast.metrics;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricSource;
import dev.ballast.core.port.MetricUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * The storage each local member uses, from the files in its data directory (what a PVC's usage is
 * on Kubernetes): {@value #BYTES} is the bytes used, {@value #USAGE} the fraction of the member's
 * storage capacity in use (0.8 = 80%), so that a {@code Pods} metric with an {@code AverageValue}
 * target of 0.8 scales out as the storage runbook's "usage exceeds 80%" asks, through the HPA's
 * arithmetic. A member whose data directory is missing is absent from the sample.
 */
public final class DataDirUsageSource implements MetricSource {
  /** Bytes used in the member's data directory. */
  public static final String BYTES = "data_dir_bytes";

  /** Fraction of the member's storage capacity in use. */
  public static final String USAGE = "data_dir_usage";

  private final IntFunction<Path> dataDirOf;
  private final OptionalLong capacityBytes;
  private final Clock clock;

  /** {@code capacityBytes} is each member's storage capacity; empty when none is configured. */
  public DataDirUsageSource(IntFunction<Path> dataDirOf, OptionalLong capacityBytes, Clock clock) {
    this.dataDirOf = Objects.requireNonNull(dataDirOf, "dataDirOf");
    this.capacityBytes = Objects.requireNonNull(capacityBytes, "capacityBytes");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public MetricSample read(String metricName, List<Member> members) {
    boolean usage = metricName.equals(USAGE);
    if (!usage && !metricName.equals(BYTES)) {
      throw new MetricUnavailableException(
          metricName + " is not a storage metric; use " + BYTES + " or " + USAGE);
    }
    if (usage && capacityBytes.isEmpty()) {
      throw new MetricUnavailableException(
          USAGE + " needs each member's storage capacity: set spec.member.storageCapacity");
    }
    Map<Integer, Double> values = new HashMap<>();
    for (Member m : members) {
      Path dir = dataDirOf.apply(m.ordinal());
      if (!Files.isDirectory(dir)) {
        continue;
      }
      long used = bytesUnder(dir);
      values.put(m.ordinal(), usage ? (double) used / capacityBytes.getAsLong() : used);
    }
    return new MetricSample(metricName, clock.instant(), values);
  }

  /** The size of the regular files under {@code dir}; files that vanish meanwhile count as 0. */
  static long bytesUnder(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .mapToLong(
              p -> {
                try {
                  BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                  return a.isRegularFile() ? a.size() : 0;
                } catch (IOException e) {
                  return 0; // removed while walking
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      throw new MetricUnavailableException("cannot read " + dir + " (" + e.getMessage() + ")");
    }
  }
}
