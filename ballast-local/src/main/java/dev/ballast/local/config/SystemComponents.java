package dev.ballast.local.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a component sits in a system of several (a cluster file with {@code spec.components}, such
 * as meta and chunk servers): the system's name and state directory (which holds the lock that lets
 * one component change at a time), this component's name, and every component's state directory in
 * file order (to see whether another one has an operation in flight).
 */
public record SystemComponents(
    String system, Path stateDir, String component, Map<String, Path> stateDirs) {
  public SystemComponents {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(component, "component");
    stateDirs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stateDirs));
    if (!stateDirs.containsKey(component)) {
      throw new IllegalArgumentException("component " + component + " has no state directory");
    }
  }
}
