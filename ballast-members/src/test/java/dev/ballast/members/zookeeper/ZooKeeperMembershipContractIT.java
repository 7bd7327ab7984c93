package dev.ballast.members.zookeeper;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.ReplicaRuntime;
import dev.ballast.core.testing.MembershipContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** {@link ZooKeeperMembership} passes the membership contract on real ZooKeeper servers. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ZooKeeperMembershipContractIT extends MembershipContract {

  @Override
  protected Cluster startCluster(int size) throws Exception {
    Path root = Files.createTempDirectory("zk-contract-");
    ZooKeeperTestEnsemble ensemble = new ZooKeeperTestEnsemble(root);
    try {
      ensemble.form(size);
    } catch (RuntimeException e) {
      ensemble.close();
      throw e;
    }
    return new Cluster(
        new EnsembleRuntime(ensemble),
        new ZooKeeperMembership(Duration.ofSeconds(3)),
        () -> {
          ensemble.close();
          ZooKeeperTestEnsemble.deleteTree(root);
        });
  }

  @Override
  protected Duration settleTimeout() {
    return Duration.ofSeconds(45);
  }

  /** The test ensemble seen through the runtime port. */
  private static final class EnsembleRuntime implements ReplicaRuntime {
    private final ZooKeeperTestEnsemble ensemble;

    EnsembleRuntime(ZooKeeperTestEnsemble ensemble) {
      this.ensemble = ensemble;
    }

    @Override
    public List<Member> members() {
      return ensemble.members();
    }

    @Override
    public Member prepare(int ordinal) {
      Optional<Member> existing = member(ordinal);
      return existing.orElseGet(() -> ensemble.reserve(ordinal));
    }

    @Override
    public void start(Member member, Map<String, String> launchSettings) {
      if (!ensemble.isRunning(member.ordinal())) {
        ensemble.start(member, launchSettings);
      }
    }

    @Override
    public boolean isRunning(int ordinal) {
      return ensemble.isRunning(ordinal);
    }

    @Override
    public void stop(int ordinal) {
      ensemble.stop(ordinal);
    }

    @Override
    public void cleanup(int ordinal, DataPolicy policy) {
      ensemble.deleteData(ordinal);
    }
  }
}
