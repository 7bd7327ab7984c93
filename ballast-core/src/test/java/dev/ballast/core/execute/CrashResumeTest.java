package dev.ballast.core.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ballast.core.execute.ScaleResponse.Accepted;
import dev.ballast.core.port.OperationStore;
import dev.ballast.core.testing.FakeMembership.Call;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills the Ballast process at every journal write of an operation (just before the write reaches
 * the store, and just after), rebuilds the controller from the store, resumes, and checks that the
 * cluster ends exactly where a run without a crash ends. Every stage's action is thereby re-run
 * after a crash at least once, so this also proves the actions idempotent.
 */
class CrashResumeTest {

  /** The process dies: nothing after this point runs. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
      super(message);
    }
  }

  /** A store that lets the process die on its n-th save, before or after the write lands. */
  static final class CrashingStore implements OperationStore {
    private final OperationStore delegate;
    private final int crashAt;
    private final boolean afterWrite;
    private int saves;

    CrashingStore(OperationStore delegate, int crashAt, boolean afterWrite) {
      this.delegate = delegate;
      this.crashAt = crashAt;
      this.afterWrite = afterWrite;
    }

    @Override
    public Optional<Operation> load() {
      return delegate.load();
    }

    @Override
    public void save(Operation operation) {
      saves++;
      if (saves == crashAt && !afterWrite) {
        throw new SimulatedCrash("before save " + saves + " (" + operation.stage() + ")");
      }
      delegate.save(operation);
      if (saves == crashAt) {
        throw new SimulatedCrash("after save " + saves + " (" + operation.stage() + ")");
      }
    }

    @Override
    public void clear() {
      delegate.clear();
    }
  }

  /** What happens in the cluster while Ballast runs (and crashes). */
  enum Scenario {
    GROW_3_TO_5(3, 5),
    SHRINK_5_TO_3(5, 3),
    JOIN_REFUSED_ROLLS_BACK_3_TO_4(3, 4) {
      @Override
      void disturb(World world) {
        world.membership.refuse(Call.JOIN);
      }
    },
    NEW_MEMBER_NEVER_READY_ROLLS_BACK_3_TO_5(3, 5) {
      @Override
      void disturb(World world) {
        world.runtime.neverStarts(4);
      }
    },
    STUCK_DRAIN_IS_CANCELLED_5_TO_4(5, 4) {
      @Override
      void disturb(World world) {
        world.membership.hang(Call.DRAIN_PROGRESS);
      }
    },
    FILLED_GROW_3_TO_5(3, 5) {
      @Override
      void disturb(World world) {
        world.membership.filling(2, 100);
      }
    },
    STUCK_FILL_IS_CANCELLED_AND_DRAINED_BACK_3_TO_4(3, 4) {
      @Override
      void disturb(World world) {
        world.membership.filling(2, 100);
        world.membership.hang(Call.REBALANCE_PROGRESS);
      }
    };

    final int from;
    final int to;

    Scenario(int from, int to) {
      this.from = from;
      this.to = to;
    }

    void disturb(World world) {}

    World world() {
      World world =
          World.ofSize(from, World.defaultPolicy().drainTimeout(Duration.ofMinutes(1)).build());
      disturb(world);
      return world;
    }
  }

  record Case(String name, Scenario scenario, int crashAt, boolean afterWrite) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> crashes() {
    List<Case> cases = new ArrayList<>();
    for (Scenario scenario : Scenario.values()) {
      int saves = cleanRun(scenario).operations.saves();
      for (int n = 1; n <= saves; n++) {
        for (boolean after : new boolean[] {false, true}) {
          String when = (after ? "after" : "before") + " journal write " + n + "/" + saves;
          cases.add(new Case(scenario + ": crash " + when, scenario, n, after));
        }
      }
    }
    return cases.stream();
  }

  private static World cleanRun(Scenario scenario) {
    World world = scenario.world();
    ScalingController controller = world.controller();
    controller.request(ScaleRequest.manual(scenario.to));
    world.runToEnd(controller);
    return world;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crashes")
  void resumesAfterACrashAtEveryJournalWriteAndEndsLikeARunWithoutOne(Case c) {
    // given a run that dies at one journal write
    World world = c.scenario().world();
    ScalingController doomed =
        world.controller(new CrashingStore(world.operations, c.crashAt(), c.afterWrite()));
    boolean crashed = false;
    try {
      doomed.request(ScaleRequest.manual(c.scenario().to));
      for (int i = 0; i < 1000 && doomed.inFlight().isPresent(); i++) {
        doomed.tick();
        world.clock.advance(Duration.ofSeconds(1));
      }
    } catch (SimulatedCrash expected) {
      crashed = true;
    }
    assertThat(crashed).as("the run crashed").isTrue();

    // when a new process resumes from the journal (and repeats the request if it never landed)
    world.clock.advance(Duration.ofSeconds(5));
    ScalingController restarted = world.controller();
    if (restarted.resume().isEmpty() && world.lastOperation().isEmpty()) {
      ScaleResponse again = restarted.request(ScaleRequest.manual(c.scenario().to));
      if (!(again instanceof Accepted)) {
        fail("the repeated request was not accepted: " + again);
      }
    }
    world.runToEnd(restarted);

    // then
    assertThat(world.state())
        .as("%s", world.lastOperation())
        .isEqualTo(cleanRun(c.scenario()).state());
    assertThat(world.operations.load()).isEmpty();
    assertThat(world.membership.maxConcurrentRemovals()).isLessThanOrEqualTo(1);
    assertThat(world.membership.lostData()).isEmpty();
    assertThat(world.membership.count(Call.REBALANCE, c.scenario().to - 1))
        .as("a fill is started once, or again only by the crashed stage")
        .isLessThanOrEqualTo(2);
    assertThat(world.history.ofKind(dev.ballast.core.history.RecordKind.OPERATION)).hasSize(1);
  }
}
