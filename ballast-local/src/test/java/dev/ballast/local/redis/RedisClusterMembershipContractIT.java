package dev.ballast.local.redis;

import dev.ballast.core.testing.MembershipContract;
import dev.ballast.members.redis.RedisClusterMembership;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RedisClusterMembership} passes the membership contract on real Redis Cluster masters
 * ({@code redis-server} 7.0), started by the local process runtime on free 127.0.0.1 ports.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisClusterMembershipContractIT extends MembershipContract {

  @Override
  protected Cluster startCluster(int size) throws Exception {
    RedisClusterMembership membership = new RedisClusterMembership(Duration.ofSeconds(3));
    RedisTestCluster cluster;
    try {
      cluster = RedisTestCluster.start(size, membership);
    } catch (RuntimeException e) {
      membership.close();
      throw e;
    }
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
    return Duration.ofSeconds(30);
  }
}
