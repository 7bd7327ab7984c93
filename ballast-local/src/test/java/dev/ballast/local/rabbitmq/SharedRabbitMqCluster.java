package dev.ballast.local.rabbitmq;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RabbitMqTestCluster} of three nodes for every RabbitMQ adapter IT class of the test
 * run: started by the first class that uses it, kept in JUnit's root store and stopped when the run
 * ends (a node start costs seconds here, so the classes share the nodes). Each class gets it back
 * restored to three healthy nodes with every quorum queue on them.
 */
final class SharedRabbitMqCluster implements BeforeAllCallback {
  static final int SIZE = 3;
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedRabbitMqCluster.class);
  private static RabbitMqTestCluster current;

  @Override
  public void beforeAll(ExtensionContext context) {
    Closer closer =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent("cluster", key -> new Closer(), Closer.class);
    current = closer.cluster();
    current.restore(SIZE);
  }

  /** The cluster of the running class; only valid after its {@code beforeAll}. */
  static RabbitMqTestCluster get() {
    if (current == null) {
      throw new IllegalStateException("annotate the class with @ExtendWith(SharedRabbitMqCluster)");
    }
    return current;
  }

  /** Starts the nodes once; the root store closes it (every node and epmd stopped) at the end. */
  private static final class Closer implements ExtensionContext.Store.CloseableResource {
    private final RabbitMqTestCluster cluster;

    Closer() {
      try {
        cluster = RabbitMqTestCluster.start(SIZE);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("could not start the RabbitMQ test cluster", e);
      }
    }

    RabbitMqTestCluster cluster() {
      return cluster;
    }

    @Override
    public void close() throws Exception {
      current = null;
      cluster.close();
    }
  }
}
