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
  /** Bound of one read of one member. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  private LocalMetricSources() {}

  public static MetricSource forRuntime(LocalProcessRuntime runtime, Clock clock) {
    return forRuntime(runtime, OptionalLong.empty(), clock);
  }

  /**
   * The same, with each member's storage capacity for {@code data_dir_usage} (the storage metrics
   * {@code data_dir_bytes} and {@code data_dir_usage} are read from the members' data directories).
   */
  public static MetricSource forRuntime(
      LocalProcessRuntime runtime, OptionalLong storageCapacityBytes, Clock clock) {
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
        .prefix("zk_", ZooKeeperMntrSource.overTcp("client", READ_TIMEOUT, clock))
        .otherwise(PrometheusScrapeSource.overHttp("metrics", "/metrics", READ_TIMEOUT, clock))
        .build();
  }
}
