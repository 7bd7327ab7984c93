package dev.ballast.core.predict;

/** Which model a {@link HoltWinters} forecast came from, by how much history it has seen. */
public enum ForecastMode {
  /** No sample yet: there is no forecast. */
  NONE,
  /** Fewer than two samples: the forecast is the last value. */
  LAST_VALUE,
  /** Less than two full seasons: Holt's linear method (level and trend, no season). */
  HOLT_LINEAR,
  /** Two seasons or more: additive Holt-Winters (level, trend and season). */
  HOLT_WINTERS
}
