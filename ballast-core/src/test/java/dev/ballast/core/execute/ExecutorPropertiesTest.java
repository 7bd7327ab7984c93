package dev.ballast.core.execute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.Outcome;
import dev.ballast.core.plan.RefusalReason;
import dev.ballast.core.port.ClusterView;
import dev.ballast.core.testing.FakeMembership.Call;
import dev.ballast.core.testing.InMemoryReplicaRuntime;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Every pair of sizes from 1 to 7 under every injected fault, exhaustively: the engine never
 * removes two members at once and never leaves a voting member without a process; an operation that
 * did not fail ends with a healthy cluster at the size its message states, every member running,
 * voting and holding data, and no stray data.
 */
class ExecutorPropertiesTest {

  enum Fault {
    NONE,
    JOIN_REFUSED,
    ANNOUNCE_FAILS_ONCE,
    NEW_MEMBER_NEVER_READY,
    DRAIN_STUCK,
    LEAVE_FAILS_TWICE,
    LEAVE_HANGS,
    START_FAILS_ONCE,
    VIEW_FAILS_TWICE
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void neverRemovesTwoMembersAtOnceAndEndsAtAStatedHealthySize(
      @ForAll @IntRange(min = 1, max = 7) int from,
      @ForAll @IntRange(min = 1, max = 7) int to,
      @ForAll Fault fault) {
    // given
    World world =
        World.ofSize(from, World.defaultPolicy().drainTimeout(Duration.ofMinutes(1)).build());
    inject(world, fault, from);
    ScalingController controller = world.controller();

    // when
    ScaleResponse response = controller.request(ScaleRequest.manual(to));

    // then
    if (response instanceof ScaleResponse.Refused refused) {
      assertThat(refused.refusal().reason()).isEqualTo(RefusalReason.BELOW_QUORUM);
      assertThat(to).isLessThan(from);
      return;
    }
    if (response instanceof ScaleResponse.Unchanged) {
      assertThat(to).isEqualTo(from);
      return;
    }
    Operation end = world.runToEnd(controller).operation().orElseThrow();
    assertThat(world.membership.maxConcurrentRemovals()).isLessThanOrEqualTo(1);
    assertThat(world.operations.load()).isEmpty();
    // never a voter without a process: a member is stopped only once proven out of the quorum
    assertThat(world.runtime.running()).containsAll(world.membership.voting());
    if (end.outcome() == Outcome.FAILED) {
      assertThat(end.message()).isNotBlank();
      return;
    }
    int size = world.runtime.members().size();
    if (end.outcome() == Outcome.SUCCEEDED) {
      assertThat(size).isEqualTo(to);
    } else if (end.outcome() == Outcome.ROLLED_BACK || end.outcome() == Outcome.BLOCKED) {
      assertThat(size).isEqualTo(from);
    }
    assertThat(end.message()).contains(String.valueOf(size));
    Set<Integer> expected = IntStream.range(0, size).boxed().collect(Collectors.toSet());
    world.membership.heal();
    assertThat(world.runtime.running()).isEqualTo(expected);
    assertThat(world.membership.voting()).isEqualTo(expected);
    ClusterView view = world.membership.view(world.runtime.members());
    assertThat(view.healthy()).isTrue();
    Set<Integer> withData = new TreeSet<>();
    for (int o = 0; o < 10; o++) {
      if (world.runtime.hasData(o)) {
        withData.add(o);
      }
    }
    assertThat(withData).as("members holding data").isEqualTo(expected);
  }

  private static void inject(World world, Fault fault, int from) {
    switch (fault) {
      case JOIN_REFUSED -> world.membership.refuse(Call.JOIN);
      case ANNOUNCE_FAILS_ONCE -> world.membership.failNext(Call.ANNOUNCE, 1);
      case NEW_MEMBER_NEVER_READY -> world.runtime.neverStarts(from + 1);
      case DRAIN_STUCK -> world.membership.hang(Call.DRAIN_PROGRESS);
      case LEAVE_FAILS_TWICE -> world.membership.failNext(Call.LEAVE, 2);
      case LEAVE_HANGS -> world.membership.hang(Call.LEAVE);
      case START_FAILS_ONCE -> world.runtime.failNext(InMemoryReplicaRuntime.Call.START, 1);
      case VIEW_FAILS_TWICE -> world.membership.failNext(Call.VIEW, 2);
      case NONE -> {}
    }
  }
}
