package dev.ballast.operator;

import dev.ballast.core.port.ForecastStore;
import dev.ballast.core.predict.LoadSample;
import java.util.ArrayList;
import java.util.List;

/**
 * The forecaster's observations kept in the operator's memory: a status would grow by one sample
 * per interval. A restarted operator (or a new leader) starts the season again.
 */
final class InMemoryForecastStore implements ForecastStore {
  private final List<LoadSample> samples = new ArrayList<>();

  @Override
  public synchronized void append(LoadSample sample) {
    samples.add(sample);
  }

  @Override
  public synchronized List<LoadSample> keepFrom(java.time.Instant from) {
    samples.removeIf(s -> s.time().isBefore(from));
    return List.copyOf(samples);
  }
}
