package dev.ballast.local.runtime;

import dev.ballast.core.port.Member;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One row of a local cluster's member table: the reserved identity of an ordinal (host and named
 * ports, kept for the member's whole life) and, while it runs, its process id with the process
 * start time that guards against pid reuse.
 */
public record MemberRecord(
    int ordinal, String host, Map<String, Integer> ports, Long pid, Long startTicks) {

  public MemberRecord {
    Objects.requireNonNull(host, "host");
    ports = new TreeMap<>(ports);
  }

  /** The member as the core sees it. */
  public Member toMember() {
    return new Member(ordinal, host, ports);
  }

  /** This reservation with the process that now runs it (both null when none runs). */
  public MemberRecord withProcess(Long pid, Long startTicks) {
    return new MemberRecord(ordinal, host, ports, pid, startTicks);
  }

  @Override
  public Map<String, Integer> ports() {
    return java.util.Collections.unmodifiableMap(ports);
  }
}
