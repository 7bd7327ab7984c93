package dev.ballast.members.redis;

import dev.ballast.members.redis.RedisNodes.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What must hold around a batch of slot moves, judged from every master's own {@code CLUSTER NODES}
 * (keyed by member ordinal).
 *
 * <p>Before: the target knows every master and every master knows the target (no handshake left,
 * else a {@code SETSLOT NODE} naming it is refused as an unknown node), no two masters share a
 * config epoch, and the target has learnt the cluster's highest config epoch. The last one is the
 * race behind slots no node claimed: {@code SETSLOT NODE} on the importing target bumps its config
 * epoch to one above the highest <em>it knows</em>; a node just out of its handshakes may not have
 * heard the source's epoch yet (Redis takes the current epoch only from packets of known nodes), so
 * its new epoch can stay below the source's. A gossip packet the source sent before its own {@code
 * SETSLOT NODE} then wins the slot back in the target's view (a higher epoch wins), the target
 * drops the keys of the slot it lost, and the source, told next, gives the slot to the target:
 * neither claims it.
 *
 * <p>After: every master sees the target owning each moved slot, and only the target claims them.
 */
final class SlotMoveChecks {

  /** Slots listed in a message, at most. */
  private static final int SHOWN = 8;

  private SlotMoveChecks() {}

  /**
   * Why the slots cannot be moved to {@code target} yet, or empty when they can. {@code
   * targetCurrentEpoch} is {@code cluster_current_epoch} of the target's {@code CLUSTER INFO}.
   */
  static Optional<String> notReadyToMove(
      Map<Integer, RedisNodes> views, int target, long targetCurrentEpoch) {
    RedisNodes targetView = views.get(target);
    String targetId = targetView.myself().id();
    List<String> problems = new ArrayList<>();
    Map<Long, List<Integer>> byEpoch = new TreeMap<>();
    long highest = 0;
    for (Map.Entry<Integer, RedisNodes> e : new TreeMap<>(views).entrySet()) {
      int ordinal = e.getKey();
      Node self = e.getValue().myself();
      if (self.slotCount() > 0) {
        // An empty master claims nothing; its first import bumps its epoch anyway.
        byEpoch.computeIfAbsent(self.configEpoch(), k -> new ArrayList<>()).add(ordinal);
      }
      highest = Math.max(highest, self.configEpoch());
      if (ordinal == target) {
        continue;
      }
      if (!knows(e.getValue(), targetId)) {
        problems.add("member " + ordinal + " does not know member " + target + " yet");
      }
      if (!knows(targetView, self.id())) {
        problems.add("member " + target + " does not know member " + ordinal + " yet");
      }
    }
    byEpoch.forEach(
        (epoch, ordinals) -> {
          if (ordinals.size() > 1) {
            problems.add("members " + ordinals + " share config epoch " + epoch);
          }
        });
    if (targetCurrentEpoch < highest) {
      problems.add(
          "member "
              + target
              + " has not learnt the cluster's config epoch "
              + highest
              + " yet (it knows "
              + targetCurrentEpoch
              + ")");
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /**
   * What is wrong with the ownership of {@code slots} once moved to {@code target}: a master that
   * sees another owner, the target not claiming them, another master still claiming them. Empty
   * when every master agrees the target owns every one of them.
   */
  static Optional<String> ownershipProblems(
      Map<Integer, RedisNodes> views, int target, List<Integer> slots) {
    String targetId = views.get(target).myself().id();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<Integer, RedisNodes> e : new TreeMap<>(views).entrySet()) {
      int ordinal = e.getKey();
      RedisNodes view = e.getValue();
      Map<String, List<Integer>> otherOwners = new TreeMap<>();
      for (int slot : slots) {
        String owner = view.ownerOf(slot).map(Node::id).orElse("no node");
        if (!owner.equals(targetId)) {
          otherOwners.computeIfAbsent(owner, k -> new ArrayList<>()).add(slot);
        }
      }
      otherOwners.forEach(
          (owner, wrong) ->
              problems.add(
                  "member "
                      + ordinal
                      + " sees slots "
                      + shown(wrong)
                      + " owned by "
                      + RedisServerConfig.ordinalOf(owner).map(o -> "member " + o).orElse(owner)));
      if (ordinal != target) {
        List<Integer> claimed =
            slots.stream().filter(view.myself().slots()::contains).collect(Collectors.toList());
        if (!claimed.isEmpty()) {
          problems.add("member " + ordinal + " still claims slots " + shown(claimed));
        }
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  private static boolean knows(RedisNodes view, String id) {
    return view.byId(id).filter(n -> !n.handshake()).isPresent();
  }

  /** "[1, 2, 3] (3)" or, beyond {@link #SHOWN}, the first ones and the count. */
  static String shown(List<Integer> slots) {
    TreeSet<Integer> sorted = new TreeSet<>(slots);
    if (sorted.size() <= SHOWN) {
      return sorted.toString();
    }
    return sorted.stream().limit(SHOWN).toList().toString().replace("]", ", ...]")
        + " ("
        + sorted.size()
        + " slots)";
  }
}
