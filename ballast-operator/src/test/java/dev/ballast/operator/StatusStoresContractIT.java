package dev.ballast.operator;

import dev.ballast.core.port.HistoryStore;
import dev.ballast.core.port.OperationStore;
import dev.ballast.core.testing.HistoryStoreContract;
import dev.ballast.core.testing.OperationStoreContract;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;

/**
 * The status-backed stores pass the core's store contracts on the mock API server: a reopen is a
 * new store on a fresh read of the resource, as a restarted operator makes.
 */
class StatusStoresContractIT {
  static final AtomicInteger NAMES = new AtomicInteger();

  static StatefulAutoscaler fresh(KubernetesClient client) {
    String name = "zk" + NAMES.incrementAndGet();
    return new MockCluster(client)
        .apply(StatefulAutoscalerReconcilerIT.sas(name, "replicas: 3\nmaxReplicas: 7"));
  }

  static StatefulAutoscaler reread(KubernetesClient client, StatusWriter writer) {
    return client
        .resources(StatefulAutoscaler.class)
        .inNamespace(MockCluster.NS)
        .withName(writer.resource().getMetadata().getName())
        .get();
  }

  @Nested
  @EnableKubernetesMockClient(crud = true)
  class Operations extends OperationStoreContract {
    KubernetesClient client;
    StatusWriter writer;

    @Override
    protected OperationStore newStore() {
      writer = new StatusWriter(client, fresh(client));
      return new StatusOperationStore(writer);
    }

    @Override
    protected OperationStore reopen(OperationStore store) {
      writer = new StatusWriter(client, reread(client, writer));
      return new StatusOperationStore(writer);
    }
  }

  @Nested
  @EnableKubernetesMockClient(crud = true)
  class History extends HistoryStoreContract {
    KubernetesClient client;
    StatusWriter writer;

    @Override
    protected HistoryStore newStore() {
      writer = new StatusWriter(client, fresh(client));
      return new StatusHistoryStore(writer, r -> {});
    }

    @Override
    protected HistoryStore reopen(HistoryStore store) {
      writer = new StatusWriter(client, reread(client, writer));
      return new StatusHistoryStore(writer, r -> {});
    }
  }
}
