package dev.ballast.core.predict;

import java.time.Instant;
import java.util.Objects;

/**
 * One observation fed to a scale-ahead forecaster: the load (the scaling metric summed over
 * members) at {@code time}. Kept by a {@link dev.ballast.core.port.ForecastStore} so that a
 * restarted autoscaler rebuilds its forecaster with the same season.
 */
public record LoadSample(Instant time, double load) {
  public LoadSample {
    Objects.requireNonNull(time, "time");
  }
}
