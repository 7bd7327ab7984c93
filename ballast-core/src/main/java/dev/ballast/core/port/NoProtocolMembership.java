package dev.ballast.core.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * The membership of an application without a membership protocol: a member belongs to the cluster
 * while the runtime says it is up (a local process runs, a pod is Ready). Joining, draining and
 * leaving are no-ops, and there is no data to hand off. Each runtime names its own words for "up"
 * and "down" in a {@link Vocabulary}.
 */
public final class NoProtocolMembership implements Membership {
  /**
   * How a runtime speaks of its members: the status word and detail of an up and a down member, the
   * noun of the view's summary ("3 running", "3 pods Ready"), and why a member is not ready.
   */
  public record Vocabulary(
      String upStatus,
      String downStatus,
      String upDetail,
      String downDetail,
      String summaryNoun,
      IntFunction<String> notReadyReason) {}

  private final IntPredicate up;
  private final Vocabulary words;

  /**
   * @param up whether the member of this ordinal is up, asked afresh at each call
   * @param words how this runtime speaks of up and down members
   */
  public NoProtocolMembership(IntPredicate up, Vocabulary words) {
    this.up = up;
    this.words = words;
  }

  @Override
  public Map<String, String> announce(Member joining, List<Member> current) {
    return Map.of();
  }

  @Override
  public boolean isReady(Member member, List<Member> current) {
    return up.test(member.ordinal());
  }

  @Override
  public Optional<String> notReady(Member member, List<Member> current) {
    return isReady(member, current)
        ? Optional.empty()
        : Optional.of(words.notReadyReason().apply(member.ordinal()));
  }

  @Override
  public void join(Member joining, List<Member> current) {}

  @Override
  public ClusterView view(List<Member> members) {
    Set<Integer> upOrdinals = new TreeSet<>();
    List<ClusterView.MemberStatus> statuses =
        members.stream()
            .map(
                m -> {
                  boolean isUp = up.test(m.ordinal());
                  if (isUp) {
                    upOrdinals.add(m.ordinal());
                  }
                  return new ClusterView.MemberStatus(
                      m.ordinal(),
                      isUp ? words.upStatus() : words.downStatus(),
                      isUp,
                      isUp ? words.upDetail() : words.downDetail());
                })
            .toList();
    return new ClusterView(
        upOrdinals,
        Optional.empty(),
        true,
        statuses,
        upOrdinals.size() + " " + words.summaryNoun());
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
