package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.execute.Operation;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.PlanResult;
import dev.ballast.core.plan.Planner;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal in the CR status: durable across writers, and never overwritten by a stale one. The
 * mock server enforces resourceVersion on the main resource but not on {@code /status}, so the API
 * server's answer to a stale status write (409 Conflict) is injected once where a test needs it;
 * what follows (re-read, compare, refuse or re-apply) is the code under test.
 */
@EnableKubernetesMockClient(crud = true)
class StatusOperationStoreIT {
  static final String STATUS_PATH =
      "/apis/ballast.dev/v1alpha1/namespaces/test/statefulautoscalers/zk/status";

  KubernetesClient client;
  KubernetesMockServer server;
  StatefulAutoscaler sas;

  @BeforeEach
  void setUp() {
    sas =
        new MockCluster(client)
            .apply(StatefulAutoscalerReconcilerIT.sas("zk", "replicas: 3\nmaxReplicas: 7"));
  }

  StatefulAutoscaler fresh() {
    return client.resources(StatefulAutoscaler.class).inNamespace("test").withName("zk").get();
  }

  static Operation operation(String id) {
    var plan =
        ((PlanResult.Planned)
                new Planner(ScalingPolicy.builder().maxReplicas(7).build()).plan(3, 5))
            .plan();
    return Operation.start(
        id, Trigger.MANUAL, plan, Instant.parse("2026-01-01T00:00:00Z"), List.of());
  }

  /** The API server's answer to a write under a stale resourceVersion, once. */
  void conflictOnce() {
    server
        .expect()
        .put()
        .withPath(STATUS_PATH)
        .andReturn(
            409,
            new StatusBuilder()
                .withCode(409)
                .withReason("Conflict")
                .withMessage("the object has been modified")
                .build())
        .once();
  }

  @Test
  void aSavedJournalIsReadBackByANewStore() {
    // given
    StatusOperationStore store = new StatusOperationStore(new StatusWriter(client, sas));

    // when
    store.save(operation("op-1"));

    // then: another process (a new leader) reads the same operation
    StatusOperationStore other = new StatusOperationStore(new StatusWriter(client, fresh()));
    assertThat(other.load()).get().extracting(Operation::id).isEqualTo("op-1");
    assertThat(other.load().get().to()).isEqualTo(5);
  }

  @Test
  void aStaleWriterCannotOverwriteAJournalThatMovedOn() {
    // given: two writers read the same status; the first one journals its next action
    StatusOperationStore stale = new StatusOperationStore(new StatusWriter(client, fresh()));
    StatusOperationStore leader = new StatusOperationStore(new StatusWriter(client, fresh()));
    leader.save(operation("op-leader"));
    conflictOnce();

    // when / then: the stale one's save conflicts, re-reads, sees another journal and refuses
    assertThatThrownBy(() -> stale.save(operation("op-stale")))
        .isInstanceOf(StatusWriter.ConflictException.class)
        .hasMessageContaining("re-reading instead of acting twice");
    StatusOperationStore check = new StatusOperationStore(new StatusWriter(client, fresh()));
    assertThat(check.load()).get().extracting(Operation::id).isEqualTo("op-leader");
  }

  @Test
  void aConflictOnAnUnrelatedFieldIsRetriedOverTheFreshCopy() {
    // given: a writer holds an old copy; someone else changes another status field meanwhile
    StatusOperationStore store = new StatusOperationStore(new StatusWriter(client, fresh()));
    new StatusWriter(client, fresh()).update(s -> s.phase = "Idle");
    conflictOnce();

    // when
    store.save(operation("op-1"));

    // then: both changes are kept
    StatefulAutoscaler now = fresh();
    assertThat(now.getStatus().phase).isEqualTo("Idle");
    assertThat(new StatusOperationStore(new StatusWriter(client, now)).load()).isPresent();
  }

  @Test
  void aCachedCopyOlderThanTheLastWriteDoesNotTakeTheJournalBack() {
    // given: the journal written over the copy an informer cache handed in
    StatusWriter writer = new StatusWriter(client, sas);
    StatusOperationStore store = new StatusOperationStore(writer);
    store.save(operation("op-1"));

    // when: the next reconcile gets the cache's copy, which has not seen that write yet
    writer.refresh(sas);

    // then: the writer keeps the journal it wrote; a newer copy is still adopted
    assertThat(store.load()).map(Operation::id).contains("op-1");
    StatefulAutoscaler newer = fresh();
    newer.getStatus().operation = null;
    writer.refresh(newer);
    assertThat(store.load()).isEmpty();
  }
}
