package dev.ballast.local.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.DrainProgress;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import dev.ballast.core.port.RebalanceProgress;
import dev.ballast.members.redis.RedisClusterMembership;
import dev.ballast.members.redis.RedisServerConfig;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A Redis master that dies (SIGKILL) in the middle of a slot move, on real {@code redis-server}
 * nodes: the fill onto a new master whose process is killed, then the drain of a master whose
 * process is killed. Each time the move stops with a message naming the member and what to do, no
 * key is lost (every key written before is read back once the member is started again and the move
 * finished), and the cluster ends with every slot served. Also: slots are not moved to a node the
 * masters do not know (never met).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisMemberDiesIT {
  private static final int KEYS = 5000;

  private final RedisClusterMembership membership =
      new RedisClusterMembership(Duration.ofSeconds(3), Duration.ofSeconds(15));
  private RedisTestCluster cluster;
  private final List<Member> masters = new ArrayList<>();
  private final Map<String, String> written = new LinkedHashMap<>();

  @BeforeAll
  void start() {
    cluster = assertStarted();
    masters.addAll(cluster.runtime.members());
    awaitTrue(() -> membership.view(masters).healthy(), "a formed cluster");
    for (int i = 0; i < KEYS; i++) {
      written.put("k:" + i, "v" + i);
    }
    withClient(c -> c.sync().mset(written));
  }

  private RedisTestCluster assertStarted() {
    try {
      return RedisTestCluster.start(3, membership);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  void stop() throws Exception {
    membership.close();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void givenANodeNoMasterKnows_whenFilled_thenNoSlotMovesAndTheMessageSaysWhoDoesNotKnowIt()
      throws Exception {
    // given: member 3 runs but was never met
    Member stranger = cluster.runtime.prepare(3);
    cluster.runtime.start(stranger, Map.of());
    try (RedisClusterMembership impatient =
        new RedisClusterMembership(Duration.ofSeconds(3), Duration.ofSeconds(1))) {
      awaitTrue(() -> impatient.notReady(stranger, masters).isEmpty(), "member 3 answers");

      // when
      impatient.rebalance(stranger, masters);

      // then
      assertThatThrownBy(() -> awaitFill(impatient, stranger, masters))
          .isInstanceOf(MembershipException.class)
          .hasMessageContaining("not moving slots to member 3")
          .hasMessageContaining("member 0 does not know member 3 yet");
    }
    assertThat(slotsOf(stranger)).isZero();
    assertThat(membership.view(masters).votingMembers()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(membership.notInSync(masters)).isEmpty();
    cluster.runtime.stop(3);
    cluster.runtime.cleanup(3, DataPolicy.DELETE);
  }

  @Test
  @Order(2)
  void givenTheTargetKilledInTheMiddleOfItsFill_whenStartedAgain_thenTheFillFinishesAndNoKeyIsLost()
      throws Exception {
    // given
    Member target = cluster.runtime.prepare(4);
    cluster.runtime.start(target, Map.of());
    awaitTrue(() -> membership.notReady(target, masters).isEmpty(), "member 4 answers");
    membership.join(target, masters);
    membership.rebalance(target, masters);
    awaitTrue(
        () -> membership.rebalanceProgress(target, masters).moved() >= 256,
        "two batches moved to member 4");

    // when
    kill(target);

    // then: the move stops, saying where the keys are and what to do
    assertThatThrownBy(() -> awaitFill(membership, target, masters))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("member 4 does not answer, so the fill of member 4 stopped")
        .hasMessageContaining("no key was deleted")
        .hasMessageContaining("then run 'ballast resume'");

    // when: started again (its slots and keys come back from its own files), the fill resumes
    cluster.runtime.start(target, Map.of());
    awaitTrue(() -> slotsOf(target) > 0, "member 4 answers again with its slots");
    RebalanceProgress done = awaitFill(membership, target, masters);

    // then
    assertThat(done.done()).isTrue();
    masters.add(target);
    assertEverySlotServedAndNoKeyLost();
  }

  @Test
  @Order(3)
  void
      givenTheSourceKilledInTheMiddleOfItsDrain_whenStartedAgain_thenTheDrainFinishesAndNoKeyIsLost()
          throws Exception {
    // given: member 4 (a quarter of the slots) drains onto 0, 1, 2
    Member leaving = masters.stream().filter(m -> m.ordinal() == 4).findFirst().orElseThrow();
    masters.remove(leaving);
    int before = slotsOf(leaving);
    membership.drain(leaving, masters);
    awaitTrue(
        () ->
            membership.drainProgress(leaving, masters) != null && slotsOf(leaving) <= before - 256,
        "two batches moved off member 4");

    // when
    kill(leaving);

    // then
    assertThatThrownBy(() -> awaitDrain(leaving))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("member 4 does not answer, so the drain of member 4 stopped")
        .hasMessageContaining("no key was deleted");

    // when
    cluster.runtime.start(leaving, Map.of());
    awaitTrue(() -> slotsOf(leaving) >= 0, "member 4 answers again");
    awaitDrain(leaving);
    membership.leave(leaving, masters);
    cluster.runtime.stop(leaving.ordinal());

    // then
    assertThat(membership.view(masters).votingMembers()).containsExactlyInAnyOrder(0, 1, 2);
    assertEverySlotServedAndNoKeyLost();
  }

  private void assertEverySlotServedAndNoKeyLost() throws Exception {
    awaitTrue(() -> membership.notInSync(masters).isEmpty(), "cluster_state:ok on every master");
    assertThat(membership.view(masters).healthy()).as(membership.view(masters).detail()).isTrue();
    List<String> lost = new ArrayList<>();
    withClient(
        c -> {
          for (KeyValue<String, String> kv :
              c.sync().mget(written.keySet().toArray(String[]::new))) {
            if (!kv.hasValue() || !written.get(kv.getKey()).equals(kv.getValue())) {
              lost.add(kv.getKey());
            }
          }
          return null;
        });
    assertThat(lost).as("keys lost of %d", KEYS).isEmpty();
  }

  private RebalanceProgress awaitFill(
      RedisClusterMembership m, Member target, List<Member> current) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      RebalanceProgress p = m.rebalanceProgress(target, current);
      if (p.done() || System.nanoTime() > deadline) {
        return p;
      }
      sleep();
    }
  }

  private DrainProgress awaitDrain(Member leaving) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      DrainProgress p = membership.drainProgress(leaving, masters);
      if (p.done()) {
        return p;
      }
      assertThat(System.nanoTime()).as("drained within 60 s: " + p.message()).isLessThan(deadline);
      sleep();
    }
  }

  /** The slots {@code m} itself claims, from its own {@code CLUSTER NODES} line. */
  private static int slotsOf(Member m) {
    RedisClient client =
        RedisClient.create(
            RedisURI.Builder.redis(m.host(), m.port(RedisServerConfig.CLIENT_PORT)).build());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      String self =
          c.sync().clusterNodes().lines().filter(l -> l.contains("myself")).findFirst().orElse("");
      String[] fields = self.split(" ");
      int count = 0;
      for (int i = 8; i < fields.length; i++) {
        String[] range = fields[i].split("-");
        if (!fields[i].startsWith("[")) {
          count +=
              range.length == 1 ? 1 : Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        }
      }
      return count;
    } finally {
      client.shutdown();
    }
  }

  /** SIGKILL of the member's process: no shutdown, no last save. */
  private void kill(Member m) throws Exception {
    ProcessHandle process =
        ProcessHandle.of(cluster.runtime.process(m.ordinal()).orElseThrow().pid()).orElseThrow();
    process.destroyForcibly();
    process.onExit().get(10, TimeUnit.SECONDS);
  }

  private <T> T withClient(
      java.util.function.Function<StatefulRedisClusterConnection<String, String>, T> op) {
    List<RedisURI> seeds =
        masters.stream()
            .map(
                m ->
                    RedisURI.Builder.redis(m.host(), m.port(RedisServerConfig.CLIENT_PORT))
                        .withTimeout(Duration.ofSeconds(10))
                        .build())
            .toList();
    RedisClusterClient client = RedisClusterClient.create(seeds);
    try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
      return op.apply(c);
    } finally {
      client.shutdown();
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    RuntimeException last = null;
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e; // not yet: it does not answer
      }
      assertThat(System.nanoTime())
          .as("waited 30 s for " + what + (last == null ? "" : ": " + last.getMessage()))
          .isLessThan(deadline);
      sleep();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
