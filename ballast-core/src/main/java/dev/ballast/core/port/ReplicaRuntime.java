package dev.ballast.core.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the members of one cluster, addressed by ordinal: a StatefulSet's pods, or local processes.
 * Every action is idempotent and returns without waiting for the effect; the executor polls {@link
 * #isRunning} to see it, so that a crash between an action and its effect is safe.
 */
public interface ReplicaRuntime {

  /** Every member the runtime has reserved, running or not, in ordinal order. */
  List<Member> members();

  /** The member with this ordinal, if the runtime has reserved it. */
  default Optional<Member> member(int ordinal) {
    return members().stream().filter(m -> m.ordinal() == ordinal).findFirst();
  }

  /**
   * Reserves the identity and endpoints of {@code ordinal} (ports, data directory, pod name) and
   * returns it; returns the existing reservation when called again.
   */
  Member prepare(int ordinal);

  /**
   * Starts the member with the settings the membership adapter produced when it was announced (for
   * example the dynamic configuration a new ZooKeeper server starts with). A running member is left
   * alone.
   */
  void start(Member member, Map<String, String> launchSettings);

  /** Whether the member's process or pod exists and has not exited. */
  boolean isRunning(int ordinal);

  /** Asks the member to stop; a stopped member is left alone. */
  void stop(int ordinal);

  /**
   * Applies the data policy to a stopped member: {@link DataPolicy#DELETE} removes its data so that
   * it can never rejoin with stale state, {@link DataPolicy#RETAIN} keeps it for inspection but
   * still releases the reservation.
   */
  void cleanup(int ordinal, DataPolicy policy);

  /**
   * Publishes the member list after a change (a peer-list ConfigMap, the local member table), so
   * that clients and members that read it see the new ensemble. Idempotent; does nothing by
   * default.
   */
  default void publish(List<Member> members) {}

  /**
   * What the runtime's last action did that is worth keeping in the stage's history record (for
   * example the members restarted to read a new peer list), then forgotten; empty when there is
   * nothing to add. Called by the executor right after an action returns or fails.
   */
  default String takeActionReport() {
    return "";
  }

  /**
   * The node member {@code ordinal} runs on, or will run on once started (a pod's node, a local
   * cluster's configured node); empty when the runtime cannot tell.
   */
  default Optional<String> nodeOf(int ordinal) {
    return Optional.empty();
  }

  /** How many nodes can run members now; empty when the runtime cannot tell. */
  default java.util.OptionalInt schedulableNodes() {
    return java.util.OptionalInt.empty();
  }

  /**
   * Whether member {@code ordinal}'s pod is being deleted ({@code deletionTimestamp} set): the HPA
   * sets such a pod aside before it counts the pods missing a metric. False by default (a local
   * process is running or gone).
   */
  default boolean deleting(int ordinal) {
    return false;
  }

  /**
   * Whether member {@code ordinal}'s pod has failed (phase {@code Failed}), which the HPA sets
   * aside too. False by default.
   */
  default boolean failed(int ordinal) {
    return false;
  }
}
