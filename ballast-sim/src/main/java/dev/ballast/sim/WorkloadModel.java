package dev.ballast.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the simulated workload behaves, in named parameters.
 *
 * <ul>
 *   <li>{@code capacityPerMember}: the demand one serving member carries at 100 % utilization, in
 *       the trace's unit; when null it is derived as the trace's peak / {@code membersAtPeak}.
 *   <li>{@code joinTime}: from the decision to add a member until it has joined (start + join +
 *       catch-up).
 *   <li>{@code fillTime}: after it joined, how long moving its share of the data onto it takes
 *       (Redis Cluster hash slots, Kafka partitions) before it serves; 0 for systems whose members
 *       serve once they joined (ZooKeeper, etcd). A new member serves after {@code joinTime +
 *       fillTime}, and the learned join time counts both.
 *   <li>{@code drainTime}: from the decision to remove a member until it is gone; it serves until
 *       then.
 *   <li>{@code scrapeInterval} and {@code metricWindow}: the metric the autoscaler sees at time t
 *       is the mean utilization over the window ending at the last scrape at or before t.
 *   <li>{@code syncPeriod}: how often the autoscaler decides; also the simulation's time step.
 * </ul>
 *
 * Utilization = demand / (serving members × capacityPerMember), uncapped.
 */
public record WorkloadModel(
    Double capacityPerMember,
    int membersAtPeak,
    Duration joinTime,
    Duration drainTime,
    Duration scrapeInterval,
    Duration metricWindow,
    Duration syncPeriod,
    Duration fillTime) {

  public static final int DEFAULT_MEMBERS_AT_PEAK = 10;
  public static final Duration DEFAULT_JOIN_TIME = Duration.ofMinutes(2);
  public static final Duration DEFAULT_DRAIN_TIME = Duration.ofMinutes(1);
  public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_METRIC_WINDOW = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SYNC_PERIOD = Duration.ofSeconds(15);
  public static final Duration DEFAULT_FILL_TIME = Duration.ZERO;

  /** The defaults: capacity derived from the peak (10 members at 100 %), timings as documented. */
  public static WorkloadModel defaults() {
    return new WorkloadModel(
        null,
        DEFAULT_MEMBERS_AT_PEAK,
        DEFAULT_JOIN_TIME,
        DEFAULT_DRAIN_TIME,
        DEFAULT_SCRAPE_INTERVAL,
        DEFAULT_METRIC_WINDOW,
        DEFAULT_SYNC_PERIOD,
        DEFAULT_FILL_TIME);
  }

  public WorkloadModel {
    List<String> out = new ArrayList<>();
    if (capacityPerMember != null && !(capacityPerMember > 0 && !capacityPerMember.isInfinite())) {
      out.add("capacityPerMember: must be a number > 0, was " + capacityPerMember);
    }
    if (membersAtPeak < 1) {
      out.add("membersAtPeak: must be >= 1, was " + membersAtPeak);
    }
    checkDuration(out, "joinTime", joinTime, false);
    checkDuration(out, "drainTime", drainTime, false);
    checkDuration(out, "scrapeInterval", scrapeInterval, true);
    checkDuration(out, "metricWindow", metricWindow, true);
    checkDuration(out, "syncPeriod", syncPeriod, true);
    checkDuration(out, "fillTime", fillTime, false);
    if (!out.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", out));
    }
  }

  private static void checkDuration(List<String> out, String name, Duration d, boolean positive) {
    if (d == null) {
      out.add(name + ": is required");
    } else if (d.isNegative() || (positive && d.toSeconds() < 1)) {
      out.add(name + ": must be " + (positive ? "at least 1s" : ">= 0s") + ", was " + d);
    } else if (d.toMillis() % 1000 != 0) {
      out.add(name + ": must be a whole number of seconds, was " + d);
    }
  }

  /** The capacity of one member for {@code trace}, in its unit. */
  public double capacity(Trace trace) {
    return capacityPerMember != null ? capacityPerMember : trace.peak() / membersAtPeak;
  }

  /** From the decision to add a member until it serves: {@code joinTime + fillTime}. */
  public Duration timeToServe() {
    return joinTime.plus(fillTime);
  }

  public WorkloadModel withJoinTime(Duration value) {
    return new WorkloadModel(
        capacityPerMember,
        membersAtPeak,
        value,
        drainTime,
        scrapeInterval,
        metricWindow,
        syncPeriod,
        fillTime);
  }

  public WorkloadModel withFillTime(Duration value) {
    return new WorkloadModel(
        capacityPerMember,
        membersAtPeak,
        joinTime,
        drainTime,
        scrapeInterval,
        metricWindow,
        syncPeriod,
        value);
  }

  public WorkloadModel withCapacityPerMember(Double value) {
    return new WorkloadModel(
        value,
        membersAtPeak,
        joinTime,
        drainTime,
        scrapeInterval,
        metricWindow,
        syncPeriod,
        fillTime);
  }
}
