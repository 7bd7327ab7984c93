package dev.ballast.local.etcd;

import dev.ballast.core.port.Member;
import dev.ballast.local.runtime.EtcdLauncher;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.members.etcd.EtcdServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Real etcd members for the adapter tests: a new cluster of {@code size} members started by the
 * local process runtime on free 127.0.0.1 ports in a temporary state directory; {@link #close}
 * stops every member and deletes the directory.
 */
final class EtcdTestCluster implements AutoCloseable {
  final LocalProcessRuntime runtime;
  private final Path stateDir;

  private EtcdTestCluster(LocalProcessRuntime runtime, Path stateDir) {
    this.runtime = runtime;
    this.stateDir = stateDir;
  }

  static EtcdTestCluster start(int size) throws IOException {
    Path stateDir = Files.createTempDirectory("etcd-test-");
    EtcdTestCluster cluster =
        new EtcdTestCluster(
            new LocalProcessRuntime(
                stateDir,
                "127.0.0.1",
                EtcdServerConfig.PORTS,
                new EtcdLauncher(EtcdTestTools.etcd()),
                Clock.systemUTC(),
                Duration.ofSeconds(5)),
            stateDir);
    try {
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        members.add(cluster.runtime.prepare(i));
      }
      for (Member m : members) {
        cluster.runtime.start(m, EtcdServerConfig.bootstrap(members));
      }
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** Members 0..size-1. */
  List<Member> members(int size) {
    List<Member> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      out.add(runtime.member(i).orElseThrow());
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    runtime.stopAll();
    try (var paths = Files.walk(stateDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
