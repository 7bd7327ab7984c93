package dev.ballast.core.port;

/**
 * Progress of handing a leaving member's data off: {@code done} only when the application has
 * confirmed that nothing is left on the member; {@code fraction} in [0, 1] for progress output.
 */
public record DrainProgress(boolean done, double fraction, String message) {
  public DrainProgress {
    if (fraction < 0 || fraction > 1 || Double.isNaN(fraction)) {
      throw new IllegalArgumentException("fraction must be in [0, 1], was " + fraction);
    }
  }

  /** Nothing to hand off (for example a ZooKeeper server, whose data every member has). */
  public static DrainProgress complete(String message) {
    return new DrainProgress(true, 1.0, message);
  }
}
