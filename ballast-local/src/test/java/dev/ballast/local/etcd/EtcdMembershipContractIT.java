package dev.ballast.local.etcd;

import dev.ballast.core.testing.MembershipContract;
import dev.ballast.local.runtime.EtcdLauncher;
import dev.ballast.members.etcd.EtcdMembership;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * {@link EtcdMembership} passes the membership contract on real etcd servers, started by the local
 * process runtime through {@link EtcdLauncher} on free 127.0.0.1 ports. The members are shared by
 * the tests: after a test that added a member or stopped one, {@link EtcdTestCluster#restore}
 * restores them; after a member was removed, new members start.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EtcdMembershipContractIT extends MembershipContract {
  private EtcdTestCluster etcd;

  @Override
  protected Cluster startCluster(int size) throws Exception {
    EtcdTestCluster cluster = EtcdTestCluster.start(size);
    etcd = cluster;
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
  protected boolean restore(Cluster cluster, int size) throws Exception {
    return etcd.restore(size);
  }

  @Override
  protected Duration settleTimeout() {
    return Duration.ofSeconds(45);
  }
}
