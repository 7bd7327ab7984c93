package dev.ballast.core.testing;

import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.DrainProgress;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.MembershipException;
import dev.ballast.core.port.RebalanceProgress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A {@link Membership} that simulates a quorum cluster (ZooKeeper-like) over an {@link
 * InMemoryReplicaRuntime}: a member serves while its process runs; changes need a running majority
 * of the voting members; the leader is the lowest running voter. Tests can make any call fail a few
 * times, refuse always, or hang (accept but never take effect), and can read how many members were
 * being removed at once. {@link #filling} makes it a system whose new members must be filled with
 * data units (like hash slots) before they carry their share; it then records a member that left
 * while still holding units (data that would be lost).
 */
public final class FakeMembership implements Membership {

  /** The calls a test can disturb. */
  public enum Call {
    ANNOUNCE,
    IS_READY,
    JOIN,
    VIEW,
    DRAIN,
    DRAIN_PROGRESS,
    CANCEL_DRAIN,
    LEAVE,
    REBALANCE,
    REBALANCE_PROGRESS,
    CANCEL_REBALANCE,
    FORGET
  }

  private final InMemoryReplicaRuntime runtime;
  private final TreeSet<Integer> voting = new TreeSet<>();
  private final Set<Integer> announced = new TreeSet<>();
  private final Map<Integer, Integer> drainPollsLeft = new HashMap<>();
  private final Set<Integer> left = new TreeSet<>();
  private final Map<Call, Integer> failNext = new EnumMap<>(Call.class);
  private final Set<Call> refused = EnumSet.noneOf(Call.class);
  private final Set<Call> hung = EnumSet.noneOf(Call.class);
  private final List<String> calls = new ArrayList<>();
  private final Map<Integer, Integer> fillPollsLeft = new HashMap<>();
  private final Map<Integer, Long> held = new HashMap<>();
  private final List<String> lostData = new ArrayList<>();
  private final Set<Integer> lagging = new TreeSet<>();
  private int drainPolls = 1;
  private int fillPolls = -1;
  private long fillUnits;
  private int maxConcurrentRemovals;
  private boolean inconsistent;
  private boolean forgetsAfterStop;
  private final List<String> reports = new ArrayList<>();
  private final List<String> forgotWhileRunning = new ArrayList<>();

  private FakeMembership(InMemoryReplicaRuntime runtime) {
    this.runtime = runtime;
  }

  /** A cluster whose voting members are every member the runtime runs now. */
  public static FakeMembership over(InMemoryReplicaRuntime runtime) {
    FakeMembership membership = new FakeMembership(runtime);
    membership.voting.addAll(runtime.running());
    membership.announced.addAll(runtime.running());
    return membership;
  }

  @Override
  public synchronized Map<String, String> announce(Member joining, List<Member> current) {
    call(Call.ANNOUNCE, joining.ordinal());
    requireQuorum("announce member " + joining.ordinal());
    if (!hung.contains(Call.ANNOUNCE)) {
      announced.add(joining.ordinal());
    }
    TreeSet<Integer> servers = new TreeSet<>(voting);
    servers.add(joining.ordinal());
    return Map.of(
        "dynamicConfig", servers.stream().map(o -> "server." + o).collect(Collectors.joining(",")));
  }

  @Override
  public synchronized boolean isReady(Member member, List<Member> current) {
    call(Call.IS_READY, member.ordinal());
    return !hung.contains(Call.IS_READY)
        && runtime.isRunning(member.ordinal())
        && announced.contains(member.ordinal());
  }

  @Override
  public synchronized void join(Member joining, List<Member> current) {
    call(Call.JOIN, joining.ordinal());
    if (!runtime.isRunning(joining.ordinal())) {
      throw new MembershipException(
          "member " + joining.ordinal() + " is not running; cannot add it to the ensemble");
    }
    requireQuorum("add member " + joining.ordinal());
    if (!hung.contains(Call.JOIN)) {
      voting.add(joining.ordinal());
      left.remove(joining.ordinal());
    }
  }

  @Override
  public synchronized ClusterView view(List<Member> members) {
    call(Call.VIEW, -1);
    boolean quorum = hasQuorum();
    Optional<Integer> leader =
        quorum ? voting.stream().filter(runtime::isRunning).findFirst() : Optional.empty();
    List<ClusterView.MemberStatus> statuses = new ArrayList<>();
    for (Member m : members) {
      int o = m.ordinal();
      boolean up = runtime.isRunning(o);
      boolean healthy = up && quorum && !hung.contains(Call.VIEW);
      String role =
          !up
              ? "down"
              : leader.equals(Optional.of(o))
                  ? "leader"
                  : voting.contains(o) ? "follower" : "non-voting";
      String detail =
          !up
              ? "not running"
              : !quorum ? "no quorum" : hung.contains(Call.VIEW) ? "not in sync" : "ok";
      statuses.add(new ClusterView.MemberStatus(o, role, healthy, detail));
    }
    return new ClusterView(
        Set.copyOf(voting), leader, !inconsistent, statuses, quorum ? "" : "no quorum");
  }

  @Override
  public synchronized boolean fills() {
    return fillPolls >= 0;
  }

  @Override
  public synchronized void rebalance(Member joined, List<Member> current) {
    call(Call.REBALANCE, joined.ordinal());
    if (!voting.contains(joined.ordinal())) {
      throw new MembershipException(
          "member " + joined.ordinal() + " has not joined; cannot fill it");
    }
    fillPollsLeft.putIfAbsent(joined.ordinal(), fillPolls);
  }

  @Override
  public synchronized RebalanceProgress rebalanceProgress(Member joined, List<Member> current) {
    call(Call.REBALANCE_PROGRESS, joined.ordinal());
    int o = joined.ordinal();
    Integer pollsLeft = fillPollsLeft.get(o);
    if (pollsLeft == null) {
      // Asked again after the fill finished (a crash before the journal moved on): still done.
      return held.getOrDefault(o, 0L) == fillUnits
          ? RebalanceProgress.complete(fillUnits, "units")
          : RebalanceProgress.moving(held.getOrDefault(o, 0L), fillUnits, "no fill running");
    }
    if (!runtime.isRunning(o)) {
      throw new MembershipException("member " + o + " is not running; its fill cannot progress");
    }
    if (hung.contains(Call.REBALANCE_PROGRESS) || pollsLeft > 0) {
      if (!hung.contains(Call.REBALANCE_PROGRESS)) {
        fillPollsLeft.put(o, pollsLeft - 1);
      }
      // Each poll moves an equal part of the units; a hung fill never confirms it is done.
      long moved = Math.min(fillUnits, held.getOrDefault(o, 0L) + fillUnits / (fillPolls + 1));
      held.put(o, moved);
      return RebalanceProgress.moving(moved, fillUnits, "units");
    }
    fillPollsLeft.remove(o);
    held.put(o, fillUnits);
    return RebalanceProgress.complete(fillUnits, "units");
  }

  @Override
  public synchronized void cancelRebalance(Member joined, List<Member> current) {
    call(Call.CANCEL_REBALANCE, joined.ordinal());
    fillPollsLeft.remove(joined.ordinal());
  }

  @Override
  public synchronized Optional<String> notInSync(List<Member> members) {
    List<String> behind =
        members.stream()
            .filter(m -> lagging.contains(m.ordinal()))
            .map(m -> "member " + m.ordinal() + " is behind the leader")
            .toList();
    return behind.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", behind));
  }

  @Override
  public synchronized void drain(Member leaving, List<Member> remaining) {
    call(Call.DRAIN, leaving.ordinal());
    drainPollsLeft.putIfAbsent(leaving.ordinal(), drainPolls);
    trackRemovals();
  }

  @Override
  public synchronized DrainProgress drainProgress(Member leaving, List<Member> remaining) {
    call(Call.DRAIN_PROGRESS, leaving.ordinal());
    Integer pollsLeft = drainPollsLeft.get(leaving.ordinal());
    if (pollsLeft == null) {
      return new DrainProgress(false, 0, "no drain started");
    }
    if (hung.contains(Call.DRAIN_PROGRESS)) {
      return new DrainProgress(false, 0.5, "stuck");
    }
    if (pollsLeft > 0) {
      drainPollsLeft.put(leaving.ordinal(), pollsLeft - 1);
      return new DrainProgress(false, 1.0 - (double) pollsLeft / (drainPolls + 1), "moving");
    }
    if (!runtime.isRunning(leaving.ordinal()) && held.getOrDefault(leaving.ordinal(), 0L) > 0) {
      return new DrainProgress(false, 0, "member " + leaving.ordinal() + " is not running");
    }
    held.remove(leaving.ordinal());
    return DrainProgress.complete("nothing left on member " + leaving.ordinal());
  }

  @Override
  public synchronized void cancelDrain(Member leaving, List<Member> remaining) {
    call(Call.CANCEL_DRAIN, leaving.ordinal());
    drainPollsLeft.remove(leaving.ordinal());
  }

  @Override
  public synchronized boolean forgetsAfterStop() {
    return forgetsAfterStop;
  }

  @Override
  public synchronized void forget(Member gone, List<Member> remaining) {
    call(Call.FORGET, gone.ordinal());
    if (runtime.isRunning(gone.ordinal())) {
      forgotWhileRunning.add("member " + gone.ordinal());
    }
    voting.remove(gone.ordinal());
    left.add(gone.ordinal());
    reports.add("forgot member " + gone.ordinal());
  }

  @Override
  public synchronized String takeActionReport() {
    String report = String.join("; ", reports);
    reports.clear();
    return report;
  }

  @Override
  public synchronized void leave(Member leaving, List<Member> remaining) {
    call(Call.LEAVE, leaving.ordinal());
    if (forgetsAfterStop) {
      return; // the registry only lets a stopped member go (forget)
    }
    if (!voting.contains(leaving.ordinal())) {
      return; // not a member: nothing to do
    }
    requireQuorum("remove member " + leaving.ordinal());
    if (held.getOrDefault(leaving.ordinal(), 0L) > 0) {
      lostData.add(
          "member "
              + leaving.ordinal()
              + " left holding "
              + held.get(leaving.ordinal())
              + " units");
    }
    if (!hung.contains(Call.LEAVE)) {
      voting.remove(leaving.ordinal());
      drainPollsLeft.remove(leaving.ordinal());
      left.add(leaving.ordinal());
    }
    trackRemovals();
  }

  // ------------------------------------------------------------------ test controls

  /** The next {@code times} calls of {@code call} throw a {@link MembershipException}. */
  public synchronized void failNext(Call call, int times) {
    failNext.put(call, times);
  }

  /** Every call of {@code call} is refused with a {@link MembershipException}. */
  public synchronized void refuse(Call call) {
    refused.add(call);
  }

  /**
   * Calls of {@code call} are accepted but never take effect: the member never gets ready, never
   * joins or leaves, the drain never ends, or the view reports every member out of sync.
   */
  public synchronized void hang(Call call) {
    hung.add(call);
  }

  /** The member answers but falls behind the others ({@link #notInSync} names it). */
  public synchronized void lag(int ordinal) {
    lagging.add(ordinal);
  }

  /** Lifts every failure, refusal, hang and lag. */
  public synchronized void heal() {
    lagging.clear();
    failNext.clear();
    refused.clear();
    hung.clear();
    inconsistent = false;
  }

  /**
   * Makes this a registry that unregisters a member only once it is stopped: {@link #leave} does
   * nothing, {@link #forget} removes it and records whether it was still running.
   */
  public synchronized FakeMembership forgettingAfterStop() {
    forgetsAfterStop = true;
    return this;
  }

  /** Every member that was forgotten while its process still ran. */
  public synchronized List<String> forgotWhileRunning() {
    return List.copyOf(forgotWhileRunning);
  }

  /** The members report different memberships. */
  public synchronized void disagree() {
    inconsistent = true;
  }

  /**
   * Makes this a system that fills new members: a fill moves {@code units} onto the member in
   * {@code polls} polls of {@link #rebalanceProgress} (0: done at the first poll).
   */
  public synchronized FakeMembership filling(int polls, long units) {
    fillPolls = polls;
    fillUnits = units;
    return this;
  }

  /** The units member {@code ordinal} holds now (moved onto it by a fill, not drained since). */
  public synchronized long held(int ordinal) {
    return held.getOrDefault(ordinal, 0L);
  }

  /** Every member that left while still holding units: data a real system would have lost. */
  public synchronized List<String> lostData() {
    return List.copyOf(lostData);
  }

  /** How many polls of {@link #drainProgress} a drain needs before it is done. */
  public synchronized void drainPolls(int polls) {
    drainPolls = polls;
  }

  /** The voting members now. */
  public synchronized Set<Integer> voting() {
    return Set.copyOf(voting);
  }

  /** The largest number of members that were draining or had left while still running. */
  public synchronized int maxConcurrentRemovals() {
    return maxConcurrentRemovals;
  }

  /** How often {@code call} was made for member {@code ordinal}. */
  public synchronized long count(Call call, int ordinal) {
    return calls.stream().filter((call + " " + ordinal)::equals).count();
  }

  private void call(Call call, int ordinal) {
    calls.add(call + " " + ordinal);
    trackRemovals();
    if (refused.contains(call)) {
      throw new MembershipException("refused: " + call + " for member " + ordinal);
    }
    Integer times = failNext.get(call);
    if (times != null && times > 0) {
      failNext.put(call, times - 1);
      throw new MembershipException("injected failure: " + call + " for member " + ordinal);
    }
  }

  private void trackRemovals() {
    Set<Integer> removing = new TreeSet<>(drainPollsLeft.keySet());
    left.stream().filter(runtime::isRunning).forEach(removing::add);
    maxConcurrentRemovals = Math.max(maxConcurrentRemovals, removing.size());
  }

  private boolean hasQuorum() {
    long up = voting.stream().filter(runtime::isRunning).count();
    return !voting.isEmpty() && up >= QuorumGuard.majority(voting.size());
  }

  private void requireQuorum(String what) {
    if (!hasQuorum()) {
      throw new MembershipException("cannot " + what + ": the ensemble has no quorum");
    }
  }
}
