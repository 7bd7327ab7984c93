package dev.ballast.cli.local;

import dev.ballast.local.ClusterStatus;
import dev.ballast.local.LocalClusterControl;
import java.util.ArrayList;
import java.util.List;

/** The human form of a local cluster's status: a summary line and a member table. */
final class StatusText {
  private StatusText() {}

  static List<String> lines(ClusterStatus s) {
    List<String> out = new ArrayList<>();
    out.add(
        "cluster "
            + s.name()
            + ": "
            + s.replicas()
            + " replicas, "
            + (s.members().isEmpty() ? "not created" : s.healthy() ? "healthy" : "NOT healthy")
            + (s.leader() == null ? "" : ", leader " + s.leader()));
    s.problems().forEach(p -> out.add("problem: " + p));
    if (!s.members().isEmpty()) {
      out.add(
          String.format(
              "%-8s %-8s %-16s %-10s %-8s %s",
              "MEMBER", "PID", "CLIENT", "ROLE", "HEALTHY", "DETAIL"));
      for (ClusterStatus.MemberState m : s.members()) {
        out.add(
            String.format(
                    "%-8d %-8s %-16s %-10s %-8s %s",
                    m.ordinal(),
                    m.pid() == null ? "-" : m.pid().toString(),
                    m.clientPort() == null ? "-" : m.host() + ":" + m.clientPort(),
                    m.role(),
                    m.healthy() ? "yes" : "no",
                    m.detail() == null ? "" : m.detail())
                .stripTrailing());
      }
    }
    out.add(
        "operation: "
            + (s.operation() == null
                ? "none"
                : LocalClusterControl.describe(s.operation())
                    + (s.operation().lastError() == null
                        ? ""
                        : " (last error: " + s.operation().lastError() + ")")));
    return out;
  }
}
