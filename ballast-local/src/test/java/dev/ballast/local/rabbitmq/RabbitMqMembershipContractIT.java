package dev.ballast.local.rabbitmq;

import dev.ballast.core.testing.MembershipContract;
import dev.ballast.members.rabbitmq.RabbitMqMembership;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RabbitMqMembership} passes the membership contract on real RabbitMQ nodes (3.10, quorum
 * queues), started by the local process runtime on free 127.0.0.1 ports. The nodes start once for
 * the class: after each test the cluster is restored to three healthy members with every quorum
 * queue on them (a node start costs seconds here).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RabbitMqMembershipContractIT extends MembershipContract {
  private static RabbitMqTestCluster cluster;

  @Override
  protected Cluster startCluster(int size) throws Exception {
    if (cluster == null) {
      cluster = RabbitMqTestCluster.start(size);
    }
    return new Cluster(cluster.runtime, cluster.membership, () -> cluster.restore(size));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @Override
  protected Duration settleTimeout() {
    return Duration.ofSeconds(60);
  }
}
