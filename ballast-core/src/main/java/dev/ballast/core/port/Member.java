package dev.ballast.core.port;

import java.util.Map;
import java.util.Objects;

/**
 * One member of a stateful cluster as the runtime knows it: its ordinal (StatefulSet order, 0
 * first), the host it listens on, and its named endpoints (for example {@code client}, {@code
 * quorum}, {@code election}, {@code admin}, {@code metrics} to port numbers).
 */
public record Member(int ordinal, String host, Map<String, Integer> ports) {
  public Member {
    if (ordinal < 0) {
      throw new IllegalArgumentException("ordinal must be >= 0, was " + ordinal);
    }
    Objects.requireNonNull(host, "host");
    ports = Map.copyOf(ports);
  }

  /** The port named {@code name}; fails when the member has no such endpoint. */
  public int port(String name) {
    Integer p = ports.get(name);
    if (p == null) {
      throw new IllegalStateException("member " + ordinal + " has no '" + name + "' port");
    }
    return p;
  }
}
