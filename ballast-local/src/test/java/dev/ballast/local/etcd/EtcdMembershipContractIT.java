package dev.ballast.local.etcd;

import dev.ballast.core.port.Member;
import dev.ballast.core.testing.MembershipContract;
import dev.ballast.local.runtime.EtcdLauncher;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.members.etcd.EtcdMembership;
import dev.ballast.members.etcd.EtcdServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    Path stateDir = Files.createTempDirectory("etcd-contract-");
    LocalProcessRuntime runtime =
        new LocalProcessRuntime(
            stateDir,
            "127.0.0.1",
            EtcdServerConfig.PORTS,
            new EtcdLauncher(EtcdTestTools.etcd()),
            Clock.systemUTC(),
            Duration.ofSeconds(5));
    EtcdMembership membership = new EtcdMembership(Duration.ofSeconds(3));
    AutoCloseable closer =
        () -> {
          membership.close();
          runtime.stopAll();
          deleteTree(stateDir);
        };
    try {
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        members.add(runtime.prepare(i));
      }
      for (Member m : members) {
        runtime.start(m, EtcdServerConfig.bootstrap(members));
      }
    } catch (RuntimeException e) {
      closer.close();
      throw e;
    }
    return new Cluster(runtime, membership, closer);
  }

  static void deleteTree(Path root) throws java.io.IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  protected Duration settleTimeout() {
    return Duration.ofSeconds(45);
  }
}
