package dev.ballast.local;

import dev.ballast.core.execute.Operation;
import java.util.List;
import java.util.Map;

/**
 * A local cluster as {@code ballast status} shows it: its size, each member with its process, role
 * and health as the membership adapter reports them, and the in-flight operation (null when none).
 * {@code replicas} counts the voting members the cluster agrees on, or the reserved members when
 * the membership cannot tell (for example while every member is stopped). {@code problems} says
 * what could not be read or does not add up (an unreadable state file, processes of the cluster the
 * member table does not know), each a line with the way out; members are then as far as the
 * processes' own markers tell.
 */
public record ClusterStatus(
    String name,
    int replicas,
    List<MemberState> members,
    Integer leader,
    boolean healthy,
    boolean consistent,
    String detail,
    Operation operation,
    List<String> problems) {

  public ClusterStatus {
    members = List.copyOf(members);
    problems = problems == null ? List.of() : List.copyOf(problems);
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
