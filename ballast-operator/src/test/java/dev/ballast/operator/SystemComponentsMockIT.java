package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.execute.Operation;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.Plan;
import dev.ballast.core.plan.Planner;
import dev.ballast.core.testing.MutableClock;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Components of one system ({@code spec.system}) on the fabric8 mock API server: two
 * StatefulAutoscalers asked to grow at once change one after the other, the one that waits says for
 * whom, a claim survives an operator restart, and of two reconciles racing for the system's Lease
 * exactly one starts its operation.
 */
@EnableKubernetesMockClient(crud = true)
class SystemComponentsMockIT {
  KubernetesClient client;
  MockCluster cluster;
  MutableClock clock;
  StatefulAutoscalerReconciler reconciler;

  @BeforeEach
  void setUp() {
    cluster = new MockCluster(client);
    clock = MutableClock.atEpochOfTests();
    reconciler = newOperator();
  }

  /** A fresh operator process: nothing kept in memory. */
  StatefulAutoscalerReconciler newOperator() {
    return new StatefulAutoscalerReconciler(
        client,
        clock,
        new KubernetesEvents(client, clock, "ballast-test"),
        new OperatorMetrics(new SimpleMeterRegistry()));
  }

  static String component(String name, int replicas) {
    return "apiVersion: ballast.dev/v1alpha1\nkind: StatefulAutoscaler\nmetadata:\n  name: "
        + name
        + "\n  uid: uid-"
        + name
        + "\nspec:\n  system: storage\n  targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: "
        + name
        + "}\n  replicas: "
        + replicas
        + "\n  maxReplicas: 7\n  scaleUp: {preflight: false}\n";
  }

  boolean inFlight(String name) {
    StatefulAutoscaler s = cluster.get(name);
    return s.getStatus() != null && s.getStatus().operation != null;
  }

  Lease lease() {
    return client
        .leases()
        .inNamespace(MockCluster.NS)
        .withName(SystemClaim.leaseName("storage"))
        .get();
  }

  @Test
  void twoComponentsAskedToGrowAtOnceChangeOneAfterTheOtherAndTheSecondSaysWhy() {
    // given: meta and chunk of system storage, both at 3 and both asked for 4 at the same moment
    for (String name : List.of("meta", "chunk")) {
      cluster.statefulSet(name, 3, "500m");
      cluster.kubelet(name);
      cluster.apply(component(name, 4));
    }

    // when: both are reconciled in turn, the operator restarting once in the middle
    List<String> overlaps = new ArrayList<>();
    List<String> holders = new ArrayList<>();
    boolean restartedMidOperation = false;
    for (int round = 0; round < 400; round++) {
      if (round == 3) {
        restartedMidOperation = inFlight("meta");
        reconciler = newOperator();
      }
      for (String name : List.of("meta", "chunk")) {
        reconciler.reconcile(cluster.get(name), null);
        if (inFlight("meta") && inFlight("chunk")) {
          overlaps.add("round " + round + " after " + name);
        }
        Lease lease = lease();
        if (lease != null && lease.getSpec().getHolderIdentity() != null) {
          holders.add(lease.getSpec().getHolderIdentity());
        }
      }
      cluster.kubelet("meta");
      cluster.kubelet("chunk");
      clock.advance(Duration.ofMillis(500));
      if (cluster.replicas("meta") == 4
          && cluster.replicas("chunk") == 4
          && !inFlight("meta")
          && !inFlight("chunk")) {
        break;
      }
    }

    // then: both reached 4, never both journals open at once; meta held the system first and
    // kept it across the restart, then chunk; the Lease is free again
    assertThat(restartedMidOperation).isTrue();
    assertThat(overlaps).isEmpty();
    assertThat(cluster.replicas("meta")).isEqualTo(4);
    assertThat(cluster.replicas("chunk")).isEqualTo(4);
    assertThat(holders.stream().distinct().toList()).containsExactly("meta", "chunk");
    assertThat(holders.indexOf("chunk")).isGreaterThan(holders.lastIndexOf("meta"));
    assertThat(lease().getSpec().getHolderIdentity()).isNull();
    // chunk waited, and said so: a history record, an Event and a condition naming meta
    StatefulAutoscaler chunk = cluster.get("chunk");
    assertThat(chunk.getStatus().history)
        .filteredOn(h -> h.path("outcome").asText().equals("HELD"))
        .as("one record per wait, not one per stage of meta's operation")
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.path("outcome").asText()).isEqualTo("HELD");
              assertThat(h.path("message").asText())
                  .contains("waiting for StatefulAutoscaler meta", "system storage");
            });
    assertThat(client.v1().events().inNamespace(MockCluster.NS).list().getItems())
        .filteredOn(e -> "WaitingForSystem".equals(e.getReason()))
        .extracting(Event::getMessage)
        .allMatch(m -> m.contains("StatefulAutoscaler meta"))
        .isNotEmpty();
    assertThat(chunk.getStatus().conditions)
        .filteredOn(c -> SystemClaim.CONDITION.equals(c.getType()))
        .singleElement()
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"));
    assertThat(cluster.get("meta").getStatus().history)
        .noneSatisfy(h -> assertThat(h.path("outcome").asText()).isEqualTo("HELD"));
  }

  @Test
  void ofTwoReconcilesRacingForTheSystemExactlyOneStartsItsOperation() throws Exception {
    // given: two idle components, each about to start a grow (both passed the check)
    for (String name : List.of("meta", "chunk")) {
      cluster.statefulSet(name, 3, "500m");
      cluster.apply(component(name, 4));
    }
    SystemClaim claims =
        new SystemClaim(client, clock, new KubernetesEvents(client, clock, "ballast-test"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int race = 0; race < 10; race++) {
        // when: both save their new operation's journal at the same instant
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Boolean>> started = new ArrayList<>();
        for (String name : List.of("meta", "chunk")) {
          StatefulAutoscaler sas = cluster.get(name);
          var journal = claims.guard(sas, new StatusOperationStore(new StatusWriter(client, sas)));
          started.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      journal.save(grow(name));
                      return true;
                    } catch (SystemClaim.BusyException lost) {
                      return false;
                    }
                  }));
        }
        boolean meta = started.get(0).get();
        boolean chunk = started.get(1).get();

        // then: one won, the other's journal was never written
        assertThat(meta ^ chunk).as("race %d: meta %s, chunk %s", race, meta, chunk).isTrue();
        String winner = meta ? "meta" : "chunk";
        String loser = meta ? "chunk" : "meta";
        assertThat(inFlight(winner)).isTrue();
        assertThat(inFlight(loser)).isFalse();
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(winner);
        // the winner's operation ends: journal cleared, claim released
        StatefulAutoscaler w = cluster.get(winner);
        claims.guard(w, new StatusOperationStore(new StatusWriter(client, w))).clear();
        assertThat(lease().getSpec().getHolderIdentity()).isNull();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aHeldClaimIsNeverTakenWhileItsHolderLivesAndIsFreedWhenTheHolderIsDeleted() {
    // given: meta holds the system
    for (String name : List.of("meta", "chunk")) {
      cluster.statefulSet(name, 3, "500m");
      cluster.apply(component(name, 4));
    }
    SystemClaim claims =
        new SystemClaim(client, clock, new KubernetesEvents(client, clock, "ballast-test"));
    claims.acquire(cluster.get("meta"));
    StatefulAutoscaler chunk = cluster.get("chunk");
    var chunkJournal =
        claims.guard(chunk, new StatusOperationStore(new StatusWriter(client, chunk)));

    // when/then: chunk cannot start, even long after (no expiry while the holder lives)
    clock.advance(Duration.ofHours(1));
    assertThatThrownBy(() -> chunkJournal.save(grow("chunk")))
        .isInstanceOf(SystemClaim.BusyException.class)
        .hasMessageContaining("held by StatefulAutoscaler meta");
    assertThat(inFlight("chunk")).isFalse();

    // when: meta is deleted
    client
        .resources(StatefulAutoscaler.class)
        .inNamespace(MockCluster.NS)
        .withName("meta")
        .delete();

    // then: chunk takes the system
    chunkJournal.save(grow("chunk"));
    assertThat(inFlight("chunk")).isTrue();
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("chunk");
  }

  @Test
  void aClaimLeftWithoutAnOperationIsFreedByItsOwnHolderAfterAMinute() {
    // given: meta at its size, holding the system with an empty journal (an operator that died
    // between clearing the journal and releasing the Lease)
    cluster.statefulSet("meta", 3, "500m");
    cluster.kubelet("meta");
    cluster.apply(component("meta", 3));
    new SystemClaim(client, clock, new KubernetesEvents(client, clock, "ballast-test"))
        .acquire(cluster.get("meta"));

    // when: meta is reconciled at once, then after the grace
    reconciler.reconcile(cluster.get("meta"), null);
    String soon = lease().getSpec().getHolderIdentity();
    clock.advance(SystemClaim.STALE_AFTER.plusSeconds(30));
    reconciler.reconcile(cluster.get("meta"), null);

    // then: kept at first (its operation may be about to be journaled), freed after the grace
    assertThat(soon).isEqualTo("meta");
    assertThat(lease().getSpec().getHolderIdentity()).isNull();
  }

  /** A new 3 -> 4 operation of {@code name}. */
  Operation grow(String name) {
    Plan plan =
        ((dev.ballast.core.plan.PlanResult.Planned)
                new Planner(dev.ballast.core.policy.ScalingPolicy.builder().maxReplicas(7).build())
                    .plan(3, 4))
            .plan();
    return Operation.start("op-" + name, Trigger.MANUAL, plan, clock.instant(), List.of());
  }
}
