package dev.ballast.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.port.ForecastStore;
import dev.ballast.core.predict.LoadSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The forecaster's observations kept for {@code status.forecast}, so that a new leader (or a
 * restarted operator) rebuilds the same forecaster. Bounded: the forecaster averages the samples of
 * each {@code sampleInterval} bucket, so a completed bucket is kept as one sample, its mean (summed
 * in order and divided as the forecaster does, so the replay is exact), at its last sample's time;
 * only the newest bucket keeps its raw samples. A new leader replays the forecaster's retention of
 * two seasons: {@code 2 × season / sampleInterval + 1} buckets (2,881 with the defaults) plus the
 * syncs of one interval. The feed trims this store to that retention each time it has grown by
 * another one ({@code ScaleAheadFeed}), so it holds up to twice that (5,765 samples, 199 KB of
 * status JSON with the defaults and 15 s syncs: {@code ReconcileBench} prints it). The reconciler
 * copies {@link #toJson} into the status patch it makes anyway, so a sync writes the status once.
 */
public final class StatusForecastStore implements ForecastStore {
  private final long intervalSeconds;
  private final List<LoadSample> completed = new ArrayList<>();
  private final List<LoadSample> current = new ArrayList<>();
  private long bucket = Long.MIN_VALUE;

  /** A store of buckets of {@code interval}, holding what {@code saved} kept (when it matches). */
  public StatusForecastStore(Duration interval, JsonNode saved) {
    this.intervalSeconds = Math.max(1, interval.toSeconds());
    if (saved != null
        && saved.path("intervalSeconds").asLong() == intervalSeconds
        && saved.path("samples").isArray()) {
      for (JsonNode pair : saved.path("samples")) {
        if (pair.isArray() && pair.size() == 2 && pair.get(0).isNumber()) {
          append(
              new LoadSample(Instant.ofEpochMilli(pair.get(0).asLong()), pair.get(1).asDouble()));
        }
      }
    }
  }

  @Override
  public synchronized void append(LoadSample sample) {
    long k = Math.floorDiv(sample.time().getEpochSecond(), intervalSeconds);
    if (bucket != Long.MIN_VALUE && k < bucket) {
      return; // the forecaster ignores it too
    }
    if (k > bucket) {
      closeBucket();
      bucket = k;
    }
    current.add(sample);
  }

  private void closeBucket() {
    if (current.isEmpty()) {
      return;
    }
    if (current.size() == 1) {
      completed.add(current.get(0));
    } else {
      double sum = 0;
      for (LoadSample s : current) {
        sum += s.load();
      }
      completed.add(new LoadSample(current.get(current.size() - 1).time(), sum / current.size()));
    }
    current.clear();
  }

  @Override
  public synchronized List<LoadSample> keepFrom(Instant from) {
    completed.removeIf(s -> s.time().isBefore(from));
    current.removeIf(s -> s.time().isBefore(from));
    List<LoadSample> out = new ArrayList<>(completed.size() + current.size());
    out.addAll(completed);
    out.addAll(current);
    return out;
  }

  /** What the status keeps: {@code {intervalSeconds, samples: [[epochMillis, load], ...]}}. */
  public synchronized JsonNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("intervalSeconds", intervalSeconds);
    ArrayNode samples = out.putArray("samples");
    for (List<LoadSample> part : List.of(completed, current)) {
      for (LoadSample s : part) {
        samples.addArray().add(s.time().toEpochMilli()).add(s.load());
      }
    }
    return out;
  }
}
