package dev.ballast.local.autoscale;

import dev.ballast.core.port.MetricSource;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.metrics.DataDirUsageSource;
import dev.ballast.metrics.ProcessCpuSource;
import dev.ballast.metrics.PrometheusScrapeSource;
import dev.ballast.metrics.RoutingMetricSource;
import dev.ballast.metrics.ZooKeeperMntrSource;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The metric sources of local members, routed by metric name: {@code cpu} is the member process'
 * CPU from the OS, {@code data_dir_bytes} and {@code data_dir_usage} the storage used in each
 * member's data directory, {@code zk_*} names (and {@code rate(zk_...)}) are ZooKeeper's {@code
 * mntr} over the {@code client} port, any other name is scraped in the Prometheus text format from
 * the member's {@code metrics} port.
 */
public final class LocalMetricSources {
  /** The longest one read of all members may take. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  private LocalMetricSources() {}

  /**
   * The sources of {@code runtime}'s members for a loop that syncs every {@code syncPeriod}: all
   * members are asked at once, and one read waits at most half the sync period (and never more than
   * {@link #READ_TIMEOUT}), so that members that do not answer cannot stretch a sync past its
   * period. {@code storageCapacityBytes} is each member's storage capacity for {@code
   * data_dir_usage} (the storage metrics {@code data_dir_bytes} and {@code data_dir_usage} are read
   * from the members' data directories).
   */
  public static MetricSource forRuntime(
      LocalProcessRuntime runtime,
      OptionalLong storageCapacityBytes,
      Clock clock,
      Duration syncPeriod) {
    return withDeadline(runtime, storageCapacityBytes, clock, readDeadline(syncPeriod));
  }

  /** The bound of one read of all members for a loop that syncs every {@code syncPeriod}. */
  static Duration readDeadline(Duration syncPeriod) {
    Duration half = syncPeriod.dividedBy(2);
    Duration floor = Duration.ofMillis(100);
    Duration d = half.compareTo(READ_TIMEOUT) < 0 ? half : READ_TIMEOUT;
    return d.compareTo(floor) < 0 ? floor : d;
  }

  private static MetricSource withDeadline(
      LocalProcessRuntime runtime,
      OptionalLong storageCapacityBytes,
      Clock clock,
      Duration deadline) {
    MetricSource cpu =
        ProcessCpuSource.linux(
            ordinal ->
                runtime
                    .process(ordinal)
                    .map(p -> OptionalLong.of(p.pid()))
                    .orElse(OptionalLong.empty()),
            clock);
    return RoutingMetricSource.builder()
        .exact(ProcessCpuSource.METRIC, cpu)
        .prefix("data_dir_", new DataDirUsageSource(runtime::dataDir, storageCapacityBytes, clock))
        .prefix("zk_", ZooKeeperMntrSource.overTcp("client", deadline, clock))
        .otherwise(PrometheusScrapeSource.overHttp("metrics", "/metrics", deadline, clock))
        .build();
  }
}
