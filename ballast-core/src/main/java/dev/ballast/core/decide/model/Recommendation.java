package dev.ballast.core.decide.model;

import java.time.Instant;
import java.util.Objects;

/** A past unstabilized replica recommendation, kept for stabilization windows. */
public record Recommendation(Instant timestamp, int replicas) {
  public Recommendation {
    Objects.requireNonNull(timestamp, "timestamp");
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must be >= 0: " + replicas);
    }
  }
}
