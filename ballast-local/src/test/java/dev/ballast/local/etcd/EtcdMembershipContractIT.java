package dev.ballast.local.etcd;

import dev.ballast.core.testing.MembershipContract;
import dev.ballast.local.runtime.EtcdLauncher;
import dev.ballast.members.etcd.EtcdMembership;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * {@link EtcdMembership} passes the membership contract on real etcd servers, started by the local
 * process runtime through {@link EtcdLauncher} on free 127.0.0.1 ports.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EtcdMembershipContractIT extends MembershipContract {

  @Override
  protected Cluster startCluster(int size) throws Exception {
    EtcdTestCluster cluster = EtcdTestCluster.start(size);
    EtcdMembership membership = new EtcdMembership(Duration.ofSeconds(3));
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
