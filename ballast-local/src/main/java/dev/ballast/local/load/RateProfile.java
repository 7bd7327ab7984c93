package dev.ballast.local.load;

import java.time.Duration;
import java.util.Objects;

/**
 * How many operations per second a load generator aims for over time: an idle level, a linear ramp
 * up to a peak, a plateau at the peak, a linear ramp back down, and idle again until the end. All
 * rates are operations per second (writes plus reads); a phase may last zero.
 */
public record RateProfile(
    double idleRate,
    double peakRate,
    Duration idleBefore,
    Duration rampUp,
    Duration plateau,
    Duration rampDown,
    Duration idleAfter) {

  public RateProfile {
    if (!Double.isFinite(idleRate) || idleRate < 0) {
      throw new IllegalArgumentException("idleRate must be >= 0 ops/s, was " + idleRate);
    }
    if (!Double.isFinite(peakRate) || peakRate < idleRate) {
      throw new IllegalArgumentException(
          "peakRate must be >= idleRate (" + idleRate + " ops/s), was " + peakRate);
    }
    for (Object[] phase :
        new Object[][] {
          {"idleBefore", idleBefore},
          {"rampUp", rampUp},
          {"plateau", plateau},
          {"rampDown", rampDown},
          {"idleAfter", idleAfter}
        }) {
      Duration d = Objects.requireNonNull((Duration) phase[1], (String) phase[0]);
      if (d.isNegative()) {
        throw new IllegalArgumentException(phase[0] + " must not be negative, was " + d);
      }
    }
    if (idleBefore.plus(rampUp).plus(plateau).plus(rampDown).plus(idleAfter).isZero()) {
      throw new IllegalArgumentException("a rate profile must last longer than zero");
    }
  }

  /** One steady rate for {@code duration}. */
  public static RateProfile constant(double rate, Duration duration) {
    return new RateProfile(
        rate, rate, Duration.ZERO, Duration.ZERO, duration, Duration.ZERO, Duration.ZERO);
  }

  /** Idle, ramp up, plateau, ramp down, idle, with each phase given. */
  public static RateProfile idleRampPlateauIdle(
      double idleRate,
      double peakRate,
      Duration idleBefore,
      Duration rampUp,
      Duration plateau,
      Duration rampDown,
      Duration idleAfter) {
    return new RateProfile(idleRate, peakRate, idleBefore, rampUp, plateau, rampDown, idleAfter);
  }

  /**
   * The demo's story within {@code total}: 10% idle, 10% ramp up, 35% plateau, 5% ramp down, and
   * the last 40% idle, so that the autoscaler has time to grow, and then to shrink after its
   * stabilization window.
   */
  public static RateProfile demo(Duration total, double idleRate, double peakRate) {
    long ms = Objects.requireNonNull(total, "total").toMillis();
    if (ms <= 0) {
      throw new IllegalArgumentException("total must be positive, was " + total);
    }
    Duration idleBefore = Duration.ofMillis(ms * 10 / 100);
    Duration rampUp = Duration.ofMillis(ms * 10 / 100);
    Duration plateau = Duration.ofMillis(ms * 35 / 100);
    Duration rampDown = Duration.ofMillis(ms * 5 / 100);
    Duration idleAfter =
        Duration.ofMillis(ms).minus(idleBefore).minus(rampUp).minus(plateau).minus(rampDown);
    return new RateProfile(idleRate, peakRate, idleBefore, rampUp, plateau, rampDown, idleAfter);
  }

  /** How long the profile lasts. */
  public Duration total() {
    return idleBefore.plus(rampUp).plus(plateau).plus(rampDown).plus(idleAfter);
  }

  /**
   * The aimed rate {@code elapsed} after the start, in ops/s; 0 before the start and after the end.
   */
  public double rateAt(Duration elapsed) {
    double t = seconds(elapsed);
    if (t < 0 || t >= seconds(total())) {
      return 0;
    }
    double[] k = knots();
    if (t < k[0]) {
      return idleRate;
    }
    if (t < k[1]) {
      return idleRate + (peakRate - idleRate) * (t - k[0]) / (k[1] - k[0]);
    }
    if (t < k[2]) {
      return peakRate;
    }
    if (t < k[3]) {
      return peakRate - (peakRate - idleRate) * (t - k[2]) / (k[3] - k[2]);
    }
    return idleRate;
  }

  /**
   * How many operations the profile asks for from the start until {@code elapsed}: the integral of
   * {@link #rateAt} (constant phases are rate × time, ramps are trapezoids).
   */
  public double operationsBy(Duration elapsed) {
    double t = Math.min(Math.max(0, seconds(elapsed)), seconds(total()));
    double[] k = knots();
    double ops = 0;
    double[] starts = {0, k[0], k[1], k[2], k[3]};
    double[] ends = {k[0], k[1], k[2], k[3], k[4]};
    for (int i = 0; i < 5; i++) {
      double a = starts[i];
      double b = Math.min(ends[i], t);
      if (b <= a) {
        continue;
      }
      // The rate is linear inside each phase: area = (rate(a) + rate(b)) / 2 × (b − a).
      ops += (rateInside(i, a) + rateInside(i, b)) / 2 * (b - a);
    }
    return ops;
  }

  private double rateInside(int phase, double t) {
    double[] k = knots();
    return switch (phase) {
      case 0, 4 -> idleRate;
      case 1 -> idleRate + (peakRate - idleRate) * (t - k[0]) / (k[1] - k[0]);
      case 2 -> peakRate;
      default -> peakRate - (peakRate - idleRate) * (t - k[2]) / (k[3] - k[2]);
    };
  }

  /** Phase ends in seconds: idle, ramp up, plateau, ramp down, idle. */
  private double[] knots() {
    double a = seconds(idleBefore);
    double b = a + seconds(rampUp);
    double c = b + seconds(plateau);
    double d = c + seconds(rampDown);
    double e = d + seconds(idleAfter);
    return new double[] {a, b, c, d, e};
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
