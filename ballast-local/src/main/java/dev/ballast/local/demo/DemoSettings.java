package dev.ballast.local.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The demo's knobs, each with a default that fits the whole story (grow 3 → 5 under load, shrink
 * back to 3 when it goes) into about three minutes on a small machine: the load's length and rates,
 * the per-member target of the scaling metric, the sync period and the scale-down stabilization
 * window (short on purpose: production defaults are 15 s and 5 min).
 */
public record DemoSettings(
    Path stateDir,
    Duration loadDuration,
    double idleRate,
    double peakRate,
    double targetPerMember,
    Duration syncPeriod,
    Duration scaleDownStabilization,
    Duration settleTimeout) {

  /** The metric the demo scales on: requests per second each ZooKeeper server receives. */
  public static final String METRIC = "rate(zk_packets_received)";

  public static final Duration DEFAULT_LOAD_DURATION = Duration.ofSeconds(140);
  public static final double DEFAULT_IDLE_RATE = 20;
  public static final double DEFAULT_PEAK_RATE = 400;
  public static final double DEFAULT_TARGET = 100;
  public static final Duration DEFAULT_SYNC_PERIOD = Duration.ofSeconds(2);
  public static final Duration DEFAULT_STABILIZATION = Duration.ofSeconds(20);
  public static final Duration DEFAULT_SETTLE_TIMEOUT = Duration.ofSeconds(60);

  public DemoSettings {
    Objects.requireNonNull(stateDir, "stateDir");
    requirePositive(loadDuration, "--duration");
    requirePositive(syncPeriod, "--sync-period");
    Objects.requireNonNull(scaleDownStabilization, "scaleDownStabilization");
    requirePositive(settleTimeout, "settleTimeout");
    if (!(idleRate >= 0) || !(peakRate > idleRate)) {
      throw new IllegalArgumentException(
          "--peak-rate must be greater than --idle-rate (was "
              + peakRate
              + " and "
              + idleRate
              + ")");
    }
    if (!(targetPerMember > 0)) {
      throw new IllegalArgumentException(
          "--target must be a positive rate, was " + targetPerMember);
    }
  }

  /** The defaults, in {@code stateDir}. */
  public static DemoSettings defaults(Path stateDir) {
    return new DemoSettings(
        stateDir,
        DEFAULT_LOAD_DURATION,
        DEFAULT_IDLE_RATE,
        DEFAULT_PEAK_RATE,
        DEFAULT_TARGET,
        DEFAULT_SYNC_PERIOD,
        DEFAULT_STABILIZATION,
        DEFAULT_SETTLE_TIMEOUT);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
    }
  }
}
