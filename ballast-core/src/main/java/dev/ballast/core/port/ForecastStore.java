package dev.ballast.core.port;

import dev.ballast.core.predict.LoadSample;
import java.time.Instant;
import java.util.List;

/**
 * The load observations a scale-ahead forecaster was fed, oldest first, so that a restarted
 * autoscaler replays them and keeps its season (a file in the state directory for {@code ballast
 * run}). Bounded by its user, who forgets what the forecaster no longer needs.
 */
public interface ForecastStore {

  /** Adds an observation after every existing one. */
  void append(LoadSample sample);

  /**
   * Forgets the observations before {@code from} (and any that cannot be read) and returns the
   * others, oldest first.
   */
  List<LoadSample> keepFrom(Instant from);
}
