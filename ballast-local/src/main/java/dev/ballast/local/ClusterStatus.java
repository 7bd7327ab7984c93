package dev.ballast.local;

import dev.ballast.core.execute.Operation;
import java.util.List;
import java.util.Map;

/**
 * A local cluster as {@code ballast status} shows it: its size, each member with its process, role
 * and health as the membership adapter reports them, and the in-flight operation (null when none).
 * {@code replicas} counts the voting members the cluster agrees on, or the reserved members when
 * the membership cannot tell (for example while every member is stopped).
 */
public record ClusterStatus(
    String name,
    int replicas,
    List<MemberState> members,
    Integer leader,
    boolean healthy,
    boolean consistent,
    String detail,
    Operation operation) {

  public ClusterStatus {
    members = List.copyOf(members);
  }

  /** One member: its endpoints, its process (pid null when stopped) and what the cluster says. */
  public record MemberState(
      int ordinal,
      String host,
      Integer clientPort,
      Map<String, Integer> ports,
      Long pid,
      boolean running,
      boolean voting,
      String role,
      boolean healthy,
      String detail) {
    public MemberState {
      ports = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(ports));
    }
  }
}
