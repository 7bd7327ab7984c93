package dev.ballast.core.predict;

/**
 * Smoothing weights of the additive, damped-trend Holt-Winters model in error-correction form:
 * {@code alpha} for the level, {@code beta} for the trend, {@code gamma} for the seasonal component
 * and {@code phi} the per-sample trend damping (1 = undamped). They must satisfy {@code 0 < alpha
 * <= 1}, {@code 0 < beta <= alpha}, {@code 0 < gamma <= 1 - alpha} (for {@code alpha < 1}) and
 * {@code 0 < phi <= 1}, the usual admissible region.
 */
public record HoltWintersParameters(double alpha, double beta, double gamma, double phi) {

  /**
   * Defaults chosen once for all workloads (not per trace): the level follows the last few samples,
   * the trend moves slowly and is damped (at 1-minute samples its effect halves in about half an
   * hour, so a short burst does not extrapolate into a runaway), and each seasonal slot adapts over
   * a few seasons.
   */
  public static HoltWintersParameters defaults() {
    return new HoltWintersParameters(0.3, 0.01, 0.2, 0.98);
  }

  public HoltWintersParameters {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1], was " + alpha);
    }
    if (!(beta > 0 && beta <= alpha)) {
      throw new IllegalArgumentException("beta must be in (0, alpha], was " + beta);
    }
    if (!(gamma > 0 && gamma <= Math.max(1 - alpha, 1e-9) + 1e-12)) {
      throw new IllegalArgumentException("gamma must be in (0, 1 - alpha], was " + gamma);
    }
    if (!(phi > 0 && phi <= 1)) {
      throw new IllegalArgumentException("phi must be in (0, 1], was " + phi);
    }
  }
}
