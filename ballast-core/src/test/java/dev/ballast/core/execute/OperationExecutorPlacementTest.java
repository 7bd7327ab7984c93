package dev.ballast.core.execute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.Outcome;
import dev.ballast.core.policy.NodeRules;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** One member per node, checked in PREFLIGHT with the runtime's placement, before any change. */
class OperationExecutorPlacementTest {

  private static World onNodes(int size, List<String> nodes) {
    World world =
        World.ofSize(
            size,
            World.defaultPolicy()
                .nodes(NodeRules.of(OptionalInt.empty(), Optional.empty(), true))
                .build());
    world.runtime.placeOn(nodes);
    return world;
  }

  private static Operation run(World world, int to) {
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(to));
    return world.runToEnd(controller).operation().orElseThrow();
  }

  @Test
  void addsAMemberOnAFreeNode() {
    // given 3 members on 4 nodes
    World world = onNodes(3, List.of("a", "b", "c", "d"));

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void refusesInPreflightAnAddThatWouldShareANodeAndChangesNothing() {
    // given 3 members on 3 nodes
    World world = onNodes(3, List.of("a", "b", "c"));

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.BLOCKED);
    assertThat(end.message()).contains("one member per node").contains("add a node");
    assertThat(world.runtime.running()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(world.runtime.members()).hasSize(3);
  }

  @Test
  void refusesWhenTheRuntimeCannotTellTheNodes() {
    // given a runtime without placement data
    World world =
        World.ofSize(
            3,
            World.defaultPolicy()
                .nodes(NodeRules.of(OptionalInt.empty(), Optional.empty(), true))
                .build());

    // when
    Operation end = run(world, 4);

    // then
    assertThat(end.outcome()).isEqualTo(Outcome.BLOCKED);
    assertThat(end.message()).contains("cannot tell how many nodes");
  }
}
