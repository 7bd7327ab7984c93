package dev.ballast.local.rabbitmq;

import dev.ballast.core.testing.MembershipContract;
import dev.ballast.members.rabbitmq.RabbitMqMembership;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link RabbitMqMembership} passes the membership contract on real RabbitMQ nodes (3.10, quorum
 * queues), started by the local process runtime on free 127.0.0.1 ports. The nodes start once for
 * the run and are shared with {@link RabbitMqMembershipFailuresIT} ({@link SharedRabbitMqCluster}):
 * after each test the cluster is restored to three healthy members with every quorum queue on them
 * (a node start costs seconds here).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ExtendWith(SharedRabbitMqCluster.class)
class RabbitMqMembershipContractIT extends MembershipContract {
  @Override
  protected Cluster startCluster(int size) {
    RabbitMqTestCluster cluster = SharedRabbitMqCluster.get(); // restored before the class
    return new Cluster(cluster.runtime, cluster.membership, () -> cluster.restore(size));
  }

  @Override
  protected Duration settleTimeout() {
    return Duration.ofSeconds(60);
  }
}
