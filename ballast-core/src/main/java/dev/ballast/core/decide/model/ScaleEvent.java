package dev.ballast.core.decide.model;

import java.time.Instant;
import java.util.Objects;

/** A past scale change (a positive number of replicas added or removed), kept for rate policies. */
public record ScaleEvent(Instant timestamp, int replicaChange) {
  public ScaleEvent {
    Objects.requireNonNull(timestamp, "timestamp");
    if (replicaChange < 0) {
      throw new IllegalArgumentException("replicaChange must be >= 0: " + replicaChange);
    }
  }
}
