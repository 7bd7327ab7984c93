package dev.ballast.members.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlotMoveChecksTest {

  private static final String A = RedisServerConfig.newNodeId(0);
  private static final String B = RedisServerConfig.newNodeId(1);
  private static final String T = RedisServerConfig.newNodeId(2);

  /** One {@code CLUSTER NODES} line: id, address, flags, master, ping, pong, epoch, link, slots. */
  private static String line(String id, boolean myself, String flags, long epoch, String slots) {
    return id
        + " 127.0.0.1:7000@17000 "
        + (myself ? "myself," : "")
        + flags
        + " - 0 0 "
        + epoch
        + " connected"
        + (slots.isEmpty() ? "" : " " + slots)
        + "\n";
  }

  /** What member {@code self} (A, B or T) answers when A owns 0-9 at epoch 3, B 10-19 at 5. */
  private static RedisNodes view(String self, String tFlags, long tEpoch, String tSlots) {
    return RedisNodes.parse(
        line(A, self.equals(A), "master", 3, "0-9")
            + line(B, self.equals(B), "master", 5, "10-19")
            + line(T, self.equals(T), tFlags, tEpoch, tSlots));
  }

  @Test
  void givenEveryMasterKnowsTheTargetAndItKnowsTheHighestEpoch_whenChecked_thenItIsReady() {
    // given
    Map<Integer, RedisNodes> views =
        Map.of(
            0, view(A, "master", 0, ""),
            1, view(B, "master", 0, ""),
            2, view(T, "master", 0, ""));

    // then
    assertThat(SlotMoveChecks.notReadyToMove(views, 2, 5)).isEmpty();
  }

  @Test
  void givenATargetThatHasNotLearntTheSourcesEpoch_whenChecked_thenTheMoveWaits() {
    // given: the race behind unclaimed slots: the target's bump would stay below epoch 5
    Map<Integer, RedisNodes> views =
        Map.of(
            0, view(A, "master", 0, ""),
            1, view(B, "master", 0, ""),
            2, view(T, "master", 0, ""));

    // then
    assertThat(SlotMoveChecks.notReadyToMove(views, 2, 3))
        .contains("member 2 has not learnt the cluster's config epoch 5 yet (it knows 3)");
  }

  @Test
  void givenAMasterStillInHandshakeWithTheTarget_whenChecked_thenTheMoveWaitsNamingIt() {
    // given: B sees T in handshake only (a SETSLOT NODE naming T would be refused there)
    Map<Integer, RedisNodes> views =
        Map.of(
            0, view(A, "master", 0, ""),
            1, view(B, "handshake", 0, ""),
            2, view(T, "master", 0, ""));

    // then
    assertThat(SlotMoveChecks.notReadyToMove(views, 2, 5))
        .contains("member 1 does not know member 2 yet");
  }

  @Test
  void givenTwoMastersWithSlotsSharingAnEpoch_whenChecked_thenTheMoveWaits() {
    // given: T already owns slots with B's epoch (Redis resolves such a collision by itself)
    Map<Integer, RedisNodes> views =
        Map.of(
            0, view(A, "master", 5, "20-29"),
            1, view(B, "master", 5, "20-29"),
            2, view(T, "master", 5, "20-29"));

    // then
    assertThat(SlotMoveChecks.notReadyToMove(views, 2, 5))
        .contains("members [1, 2] share config epoch 5");
  }

  @Test
  void givenEveryMasterSeesTheTargetOwningTheMovedSlots_whenVerified_thenNoProblem() {
    // given: slots 8-9 moved from A to T
    String a = "0-7";
    Map<Integer, RedisNodes> views =
        Map.of(
            0, moved(A, a),
            1, moved(B, a),
            2, moved(T, a));

    // then
    assertThat(SlotMoveChecks.ownershipProblems(views, 2, List.of(8, 9))).isEmpty();
  }

  @Test
  void
      givenATargetThatLostTheMovedSlotsBackToItsSource_whenVerified_thenNoNodeClaimingThemIsNamed() {
    // given: the fault the race leaves: A gave 8-9 away, T took A's stale claim back in its view
    Map<Integer, RedisNodes> views =
        Map.of(
            0, moved(A, "0-7"),
            1, moved(B, "0-7"),
            2,
                RedisNodes.parse(
                    line(A, false, "master", 3, "0-9")
                        + line(B, false, "master", 5, "10-19")
                        + line(T, true, "master", 6, "")));

    // then
    assertThat(SlotMoveChecks.ownershipProblems(views, 2, List.of(8, 9)))
        .contains("member 2 sees slots [8, 9] owned by member 0");
  }

  @Test
  void givenASourceStillClaimingAMovedSlot_whenVerified_thenTwoClaimsAreNamed() {
    // given: the SETSLOT NODE on A was lost: A still claims 9
    Map<Integer, RedisNodes> views =
        Map.of(
            0,
                RedisNodes.parse(
                    line(A, true, "master", 3, "0-7 9")
                        + line(B, false, "master", 5, "10-19")
                        + line(T, false, "master", 6, "8")),
            1, moved(B, "0-7"),
            2, moved(T, "0-7"));

    // then
    assertThat(SlotMoveChecks.ownershipProblems(views, 2, List.of(8, 9)).orElseThrow())
        .contains("member 0 sees slots [9] owned by member 0")
        .contains("member 0 still claims slots [9]");
  }

  @Test
  void manySlotsAreShownAsTheFirstOnesAndTheirCount() {
    assertThat(SlotMoveChecks.shown(List.of(3, 1, 2))).isEqualTo("[1, 2, 3]");
    assertThat(SlotMoveChecks.shown(java.util.stream.IntStream.range(0, 128).boxed().toList()))
        .isEqualTo("[0, 1, 2, 3, 4, 5, 6, 7, ...] (128 slots)");
  }

  /** A's view after 8-9 moved to T (epoch 6): A keeps {@code aSlots}. */
  private static RedisNodes moved(String self, String aSlots) {
    return RedisNodes.parse(
        line(A, self.equals(A), "master", 3, aSlots)
            + line(B, self.equals(B), "master", 5, "10-19")
            + line(T, self.equals(T), "master", 6, "8-9"));
  }
}
