package dev.ballast.core.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The application's own membership protocol: how a member joins, hands its data off and leaves
 * (ZooKeeper dynamic reconfiguration, etcd member API, Redis Cluster slots, Kafka reassignment, or
 * a user's hooks). Every call is idempotent: calling it again after a crash has the same effect as
 * calling it once. Calls may block for a bounded time (a network round trip); they throw {@link
 * MembershipException} when the application refuses or cannot be reached.
 */
public interface Membership {

  /**
   * Prepares the cluster for a new member and returns the settings it must start with (for example
   * ZooKeeper's dynamic configuration with the current ensemble, or etcd's initial-cluster after a
   * learner was added). {@code current} are the members serving now.
   */
  Map<String, String> announce(Member joining, List<Member> current);

  /** Whether a started member is serving and caught up enough to be made a full member. */
  boolean isReady(Member member, List<Member> current);

  /**
   * Empty when a started member is ready ({@link #isReady}), else why not, for progress output and
   * timeout messages (for example "it is behind the leader"); an empty string when the adapter
   * cannot say. Adapters that know the reason override this and {@link #isReady} together.
   */
  default Optional<String> notReady(Member member, List<Member> current) {
    return isReady(member, current) ? Optional.empty() : Optional.of("");
  }

  /** Makes a ready member a full (voting, serving) member of the cluster. */
  void join(Member joining, List<Member> current);

  /**
   * The cluster as the application reports it, asked of every member in {@code members}: who the
   * voting members are, who leads, and whether each member is healthy and in sync.
   */
  ClusterView view(List<Member> members);

  /**
   * Whether a member that joined must be filled with data before it carries its share: a Redis
   * Cluster master owns no hash slot and a Kafka broker holds no partition until data is moved onto
   * it. False by default (ZooKeeper, etcd: a member serves once it has joined): the fill stages
   * ({@code REBALANCE}, {@code REBALANCED}, and {@code CANCEL_REBALANCE} when an add is undone) are
   * then skipped and {@link #rebalance}, {@link #rebalanceProgress} and {@link #cancelRebalance}
   * are never called.
   */
  default boolean fills() {
    return false;
  }

  /**
   * Starts moving the joined member's share of the data onto it; {@code current} are the members
   * that served before it. Idempotent: a fill already running or done is left as it is.
   */
  default void rebalance(Member joined, List<Member> current) {}

  /**
   * How far the fill started by {@link #rebalance} has come; {@code done} only when the application
   * confirms the member holds its share.
   */
  default RebalanceProgress rebalanceProgress(Member joined, List<Member> current) {
    return RebalanceProgress.complete(0, "nothing to move");
  }

  /**
   * Stops a fill that is no longer wanted (the add is being undone). What already moved stays
   * served where the application put it; {@link #drain} then moves it back off the member. A no-op
   * when no fill runs.
   */
  default void cancelRebalance(Member joined, List<Member> current) {}

  /**
   * Empty when every member of {@code members} answers and has what the cluster committed (in sync
   * with its leader, when the protocol has one), else why not, naming each member that is behind.
   * The executor asks it of the voting members that remain before a member leaves or is stopped, so
   * that a removal never lowers the number of failures the cluster can absorb. By default, each
   * member must be {@link #notReady ready} among the others; adapters that can ask every member at
   * once override it.
   */
  default Optional<String> notInSync(List<Member> members) {
    List<String> behind = new java.util.ArrayList<>();
    for (Member m : members) {
      List<Member> others = members.stream().filter(o -> o.ordinal() != m.ordinal()).toList();
      notReady(m, others)
          .ifPresent(
              why ->
                  behind.add(
                      "member "
                          + m.ordinal()
                          + " is not in sync"
                          + (why.isBlank() ? "" : ": " + why)));
    }
    return behind.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", behind));
  }

  /** Starts handing the member's data or sessions to the remaining members. */
  void drain(Member leaving, List<Member> remaining);

  /** How far the drain started by {@link #drain} has come. */
  DrainProgress drainProgress(Member leaving, List<Member> remaining);

  /** Stops a drain that is no longer wanted (the target size went back up). */
  void cancelDrain(Member leaving, List<Member> remaining);

  /** Removes the member from the cluster's membership (it no longer votes or owns data). */
  void leave(Member leaving, List<Member> remaining);

  /**
   * Whether the application only lets a member be unregistered once it has stopped (a storage
   * system's chunk server is unregistered from the meta leader after it is reported expired,
   * RabbitMQ's {@code forget_cluster_node}). False by default. When true, STOP does not ask the
   * remaining members to prove that the leaving one left (it cannot have yet): PREFLIGHT proved
   * that the others keep a majority and DRAINED that its data was handed off; {@link #forget} then
   * unregisters it at CLEANUP, and VERIFY proves the member list is the expected one.
   */
  default boolean forgetsAfterStop() {
    return false;
  }

  /**
   * Unregisters a member whose process is gone (called at CLEANUP, before its data is cleaned up).
   * Idempotent: forgetting a member the cluster no longer lists does nothing. A no-op by default.
   */
  default void forget(Member gone, List<Member> remaining) {}

  /**
   * What the adapter's last action did that is worth keeping in the stage's history record (for
   * example each hook's request and status, or a command's exit code and output), then forgotten;
   * empty when there is nothing to add. Called by the executor right after an action returns.
   */
  default String takeActionReport() {
    return "";
  }
}
