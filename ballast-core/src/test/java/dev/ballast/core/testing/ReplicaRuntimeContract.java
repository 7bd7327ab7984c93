package dev.ballast.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.ReplicaRuntime;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ReplicaRuntime} adapter must have: reservations are idempotent and
 * listed in ordinal order, start and stop are idempotent and observable through {@code isRunning},
 * cleanup releases a stopped member. Extend it in the adapter's module and implement {@link
 * #newRuntime()}; the members it starts must stop when asked (every test stops what it started).
 */
public abstract class ReplicaRuntimeContract {

  private ReplicaRuntime runtime;

  /** A runtime with no member reserved, fresh for each test. */
  protected abstract ReplicaRuntime newRuntime() throws Exception;

  /** The settings a member of this runtime starts with in these tests. */
  protected Map<String, String> launchSettings(Member member) {
    return Map.of();
  }

  /** How long a start or a stop may take to show. */
  protected Duration settleTimeout() {
    return Duration.ofSeconds(30);
  }

  /**
   * Whether the member's data exists, when the adapter can tell (data directory, volume claim);
   * empty skips the data checks.
   */
  protected Optional<Boolean> dataPresent(ReplicaRuntime runtime, Member member) {
    return Optional.empty();
  }

  @BeforeEach
  final void createRuntime() throws Exception {
    runtime = newRuntime();
  }

  @AfterEach
  final void stopEverything() {
    for (Member m : runtime.members()) {
      runtime.stop(m.ordinal());
    }
    for (Member m : runtime.members()) {
      awaitRunning(m.ordinal(), false);
    }
  }

  protected final ReplicaRuntime runtime() {
    return runtime;
  }

  private void awaitRunning(int ordinal, boolean running) {
    await()
        .atMost(settleTimeout())
        .pollInterval(Duration.ofMillis(50))
        .until(() -> runtime.isRunning(ordinal) == running);
  }

  private Member started(int ordinal) {
    Member m = runtime.prepare(ordinal);
    runtime.start(m, launchSettings(m));
    awaitRunning(ordinal, true);
    return m;
  }

  @Test
  void aFreshRuntimeHasNoMembers() {
    assertThat(runtime.members()).isEmpty();
    assertThat(runtime.member(0)).isEmpty();
    assertThat(runtime.isRunning(0)).isFalse();
  }

  @Test
  void preparingTwiceReturnsTheSameReservation() {
    // when
    Member first = runtime.prepare(0);
    Member again = runtime.prepare(0);

    // then
    assertThat(again).isEqualTo(first);
    assertThat(first.ordinal()).isZero();
    assertThat(runtime.members()).containsExactly(first);
    assertThat(runtime.member(0)).contains(first);
  }

  @Test
  void listsReservationsInOrdinalOrder() {
    // when
    runtime.prepare(1);
    runtime.prepare(0);

    // then
    assertThat(runtime.members()).extracting(Member::ordinal).containsExactly(0, 1);
  }

  @Test
  void givesEachMemberItsOwnEndpoints() {
    // when
    Member zero = runtime.prepare(0);
    Member one = runtime.prepare(1);

    // then
    if (zero.host().equals(one.host())) {
      Set<Integer> ports = new HashSet<>(zero.ports().values());
      assertThat(one.ports().values()).noneMatch(ports::contains);
    }
  }

  @Test
  void aPreparedMemberDoesNotRunUntilStarted() {
    runtime.prepare(0);
    assertThat(runtime.isRunning(0)).isFalse();
  }

  @Test
  void startsAMemberAndStartingItAgainLeavesItRunning() {
    // given
    Member m = started(0);

    // when
    runtime.start(m, launchSettings(m));

    // then
    assertThat(runtime.isRunning(0)).isTrue();
  }

  @Test
  void stopsAMemberAndStoppingItAgainIsHarmless() {
    // given
    started(0);

    // when
    runtime.stop(0);
    awaitRunning(0, false);
    runtime.stop(0);

    // then
    assertThat(runtime.isRunning(0)).isFalse();
    assertThat(runtime.member(0)).isPresent();
  }

  @Test
  void stoppingAMemberThatNeverStartedIsHarmless() {
    // given
    runtime.prepare(0);

    // when
    runtime.stop(0);
    runtime.stop(7);

    // then
    assertThat(runtime.isRunning(0)).isFalse();
  }

  @Test
  void cleanupReleasesAStoppedMemberAndIsIdempotent() {
    // given
    Member m = started(0);
    runtime.stop(0);
    awaitRunning(0, false);

    // when
    runtime.cleanup(0, DataPolicy.DELETE);
    runtime.cleanup(0, DataPolicy.DELETE);

    // then
    assertThat(runtime.member(0)).isEmpty();
    assertThat(runtime.members()).isEmpty();
    dataPresent(runtime, m).ifPresent(present -> assertThat(present).isFalse());
  }

  @Test
  void cleanupWithRetainAlsoReleasesTheMember() {
    // given
    started(0);
    runtime.stop(0);
    awaitRunning(0, false);

    // when
    runtime.cleanup(0, DataPolicy.RETAIN);

    // then
    assertThat(runtime.member(0)).isEmpty();
  }

  @Test
  void aMemberReservedAgainAfterCleanupStartsWithoutItsOldData() {
    // given
    Member m = started(0);
    Assumptions.assumeTrue(
        dataPresent(runtime, m).isPresent(), "the adapter cannot tell whether data exists");
    // the member writes its data once it runs, not necessarily before it is seen running
    await()
        .atMost(settleTimeout())
        .pollInterval(Duration.ofMillis(50))
        .until(() -> dataPresent(runtime, m).orElse(false));
    runtime.stop(0);
    awaitRunning(0, false);
    runtime.cleanup(0, DataPolicy.DELETE);

    // when
    Member again = runtime.prepare(0);

    // then
    assertThat(dataPresent(runtime, again)).contains(false);
  }
}
