package dev.ballast.operator;

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
 * Membership {@code None} on Kubernetes: the application has no membership protocol, so a member
 * belongs to the cluster while its pod is Ready. Joining, draining and leaving are no-ops; health
 * is the pod's Ready condition, as the kubelet reports it from the pod's probes.
 */
public final class PodReadinessMembership implements Membership {
  private final KubernetesReplicaRuntime runtime;

  public PodReadinessMembership(KubernetesReplicaRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Map<String, String> announce(Member joining, List<Member> current) {
    return Map.of();
  }

  @Override
  public boolean isReady(Member member, List<Member> current) {
    return runtime.isPodReady(member.ordinal());
  }

  @Override
  public Optional<String> notReady(Member member, List<Member> current) {
    return isReady(member, current)
        ? Optional.empty()
        : Optional.of("pod " + runtime.target().podName(member.ordinal()) + " is not Ready");
  }

  @Override
  public void join(Member joining, List<Member> current) {}

  @Override
  public ClusterView view(List<Member> members) {
    Set<Integer> ready = new TreeSet<>();
    List<ClusterView.MemberStatus> statuses =
        members.stream()
            .map(
                m -> {
                  boolean up = runtime.isPodReady(m.ordinal());
                  if (up) {
                    ready.add(m.ordinal());
                  }
                  return new ClusterView.MemberStatus(
                      m.ordinal(),
                      up ? "ready" : "not-ready",
                      up,
                      up ? "pod Ready" : "pod not Ready");
                })
            .toList();
    return new ClusterView(ready, Optional.empty(), true, statuses, ready.size() + " pods Ready");
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
