package dev.ballast.local.kafka;

import dev.ballast.core.testing.MembershipContract;
import dev.ballast.members.kafka.KafkaMembership;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * {@link KafkaMembership} passes the membership contract on real Kafka 4.4 brokers beside one KRaft
 * controller, started by the local process runtime on free 127.0.0.1 ports, with one topic whose
 * partitions are moved on a fill and off on a drain.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KafkaMembershipContractIT extends MembershipContract {

  @Override
  protected Cluster startCluster(int size) throws Exception {
    KafkaTestCluster cluster = KafkaTestCluster.start(size);
    KafkaMembership membership = new KafkaMembership(Duration.ofSeconds(5));
    return new Cluster(
        cluster.runtime,
        membership,
        () -> {
          membership.close();
          cluster.close();
        });
  }

  @Override
  protected Duration settleTimeout() {
    return Duration.ofSeconds(45);
  }
}
