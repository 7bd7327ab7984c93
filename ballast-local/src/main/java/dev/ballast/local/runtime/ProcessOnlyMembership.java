package dev.ballast.local.runtime;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.DrainProgress;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code none} membership of a local cluster: the program has no membership protocol, so a
 * member belongs to the cluster while its process runs. Joining, draining and leaving are no-ops;
 * health is "the process runs".
 */
public final class ProcessOnlyMembership implements Membership {
  private final LocalProcessRuntime runtime;

  public ProcessOnlyMembership(LocalProcessRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Map<String, String> announce(Member joining, List<Member> current) {
    return Map.of();
  }

  @Override
  public boolean isReady(Member member, List<Member> current) {
    return runtime.isRunning(member.ordinal());
  }

  @Override
  public void join(Member joining, List<Member> current) {}

  @Override
  public ClusterView view(List<Member> members) {
    Set<Integer> running = new TreeSet<>();
    List<ClusterView.MemberStatus> statuses =
        members.stream()
            .map(
                m -> {
                  boolean up = runtime.isRunning(m.ordinal());
                  if (up) {
                    running.add(m.ordinal());
                  }
                  return new ClusterView.MemberStatus(
                      m.ordinal(),
                      up ? "running" : "stopped",
                      up,
                      up ? "process runs" : "no process");
                })
            .toList();
    return new ClusterView(running, Optional.empty(), true, statuses, running.size() + " running");
  }

  @Override
  public void drain(Member leaving, List<Member> remaining) {}

  @Override
  public DrainProgress drainProgress(Member leaving, List<Member> remaining) {
    return DrainProgress.complete("no data to hand off");
  }

  @Override
  public void cancelDrain(Member leaving, List<Member> remaining) {}

  @Override
  public void leave(Member leaving, List<Member> remaining) {}
}
