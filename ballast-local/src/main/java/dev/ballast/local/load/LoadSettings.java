package dev.ballast.local.load;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link ZooKeeperLoadGenerator} does: where it connects (loopback only), the rate profile,
 * the share of writes among operations, the written value's size, bounds (operation count, writes
 * kept in flight), where the znodes go, and how long one write keeps being retried after losing its
 * connection.
 */
public record LoadSettings(
    String connectString,
    RateProfile profile,
    double writeFraction,
    int payloadBytes,
    long maxOperations,
    int maxInFlight,
    String basePath,
    Duration sessionTimeout,
    Duration retryFor,
    long seed) {

  public LoadSettings {
    ConnectStrings.requireLoopback(connectString);
    Objects.requireNonNull(profile, "profile");
    if (!(writeFraction >= 0 && writeFraction <= 1)) {
      throw new IllegalArgumentException("writeFraction must be 0..1, was " + writeFraction);
    }
    if (payloadBytes < 16 || payloadBytes > 1 << 20) {
      throw new IllegalArgumentException("payloadBytes must be 16..1048576, was " + payloadBytes);
    }
    if (maxOperations < 1) {
      throw new IllegalArgumentException("maxOperations must be >= 1, was " + maxOperations);
    }
    if (maxInFlight < 1 || maxInFlight > 10_000) {
      throw new IllegalArgumentException("maxInFlight must be 1..10000, was " + maxInFlight);
    }
    Objects.requireNonNull(basePath, "basePath");
    if (!basePath.startsWith("/") || basePath.endsWith("/") || basePath.contains("//")) {
      throw new IllegalArgumentException(
          "basePath must be an absolute znode path like /ballast-load, was '" + basePath + "'");
    }
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    Objects.requireNonNull(retryFor, "retryFor");
    if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
      throw new IllegalArgumentException("sessionTimeout must be positive, was " + sessionTimeout);
    }
    if (retryFor.isNegative()) {
      throw new IllegalArgumentException("retryFor must not be negative, was " + retryFor);
    }
  }

  /**
   * Sensible defaults around {@code connectString} and {@code profile}: 30% writes of 64 bytes
   * under {@code /ballast-load}, at most 1,000,000 operations and 200 in flight, a 10 s session,
   * and 30 s of retries per write.
   */
  public static LoadSettings defaults(String connectString, RateProfile profile) {
    return new LoadSettings(
        connectString,
        profile,
        0.3,
        64,
        1_000_000,
        200,
        "/ballast-load",
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        1L);
  }

  /** A copy with another share of writes. */
  public LoadSettings withWriteFraction(double fraction) {
    return new LoadSettings(
        connectString,
        profile,
        fraction,
        payloadBytes,
        maxOperations,
        maxInFlight,
        basePath,
        sessionTimeout,
        retryFor,
        seed);
  }

  /** A copy with another bound on the number of operations. */
  public LoadSettings withMaxOperations(long max) {
    return new LoadSettings(
        connectString,
        profile,
        writeFraction,
        payloadBytes,
        max,
        maxInFlight,
        basePath,
        sessionTimeout,
        retryFor,
        seed);
  }

  /** A copy writing under another base path. */
  public LoadSettings withBasePath(String path) {
    return new LoadSettings(
        connectString,
        profile,
        writeFraction,
        payloadBytes,
        maxOperations,
        maxInFlight,
        path,
        sessionTimeout,
        retryFor,
        seed);
  }

  /** A copy that retries each write for {@code duration} after a lost connection. */
  public LoadSettings withRetryFor(Duration duration) {
    return new LoadSettings(
        connectString,
        profile,
        writeFraction,
        payloadBytes,
        maxOperations,
        maxInFlight,
        basePath,
        sessionTimeout,
        duration,
        seed);
  }

  /** A copy with another cap on operations in flight. */
  public LoadSettings withMaxInFlight(int max) {
    return new LoadSettings(
        connectString,
        profile,
        writeFraction,
        payloadBytes,
        maxOperations,
        max,
        basePath,
        sessionTimeout,
        retryFor,
        seed);
  }
}
