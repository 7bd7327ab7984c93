package dev.ballast.local.rabbitmq;

import dev.ballast.core.testing.MembershipContract;
import dev.ballast.members.rabbitmq.RabbitMqMembership;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link RabbitMqMembership} passes the membership contract on real RabbitMQ nodes (3.10, quorum
 * queues), started by the local process runtime on free 127.0.0.1 ports. The nodes start once for
 * the run ({@link SharedRabbitMqCluster}); before a test that follows one that changed them, they
 * are restored to three healthy members with every quorum queue on them (a node start costs seconds
 * here). The failure stories ({@link RabbitMqMembershipFailures}) run after the contract as {@link
 * Failures}, on the same nodes in the same JVM, each after a restore of its own.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ExtendWith(SharedRabbitMqCluster.class)
class RabbitMqMembershipContractIT extends MembershipContract {
  @Override
  protected Cluster startCluster(int size) {
    RabbitMqTestCluster cluster = SharedRabbitMqCluster.get();
    cluster.restore(size); // a test that failed may have left it changed; cheap when intact
    // The nodes outlive the class: SharedRabbitMqCluster stops them when the run ends.
    return new Cluster(cluster.runtime, cluster.membership, () -> {});
  }

  @Override
  protected boolean restore(Cluster cluster, int size) {
    SharedRabbitMqCluster.get().restore(size);
    return true;
  }

  /** The failure stories, in this JVM on these nodes (see {@link RabbitMqMembershipFailures}). */
  @Nested
  class Failures extends RabbitMqMembershipFailures {}

  @Override
  protected Duration settleTimeout() {
    return Duration.ofSeconds(60);
  }
}
