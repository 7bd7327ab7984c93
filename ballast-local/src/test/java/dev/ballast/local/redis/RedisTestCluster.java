package dev.ballast.local.redis;

import dev.ballast.core.port.Member;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.local.runtime.RedisLauncher;
import dev.ballast.local.runtime.TestTeardown;
import dev.ballast.members.redis.RedisClusterMembership;
import dev.ballast.members.redis.RedisServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Real Redis Cluster masters for the adapter tests: {@code size} nodes started by the local process
 * runtime on free 127.0.0.1 ports in a temporary state directory and formed into one cluster by
 * {@link RedisClusterMembership#create}; {@link #close} kills every node ({@link TestTeardown}) and
 * deletes the directory.
 */
final class RedisTestCluster implements AutoCloseable {
  final LocalProcessRuntime runtime;
  private final Path stateDir;

  private RedisTestCluster(LocalProcessRuntime runtime, Path stateDir) {
    this.runtime = runtime;
    this.stateDir = stateDir;
  }

  static RedisTestCluster start(int size, RedisClusterMembership membership) throws IOException {
    Path binary = RedisServerConfig.defaultBinary(System.getenv("PATH"));
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "redis-server is not installed; run scripts/install-test-tools");
    }
    Path stateDir = Files.createTempDirectory("redis-test-");
    RedisTestCluster cluster =
        new RedisTestCluster(
            new LocalProcessRuntime(
                stateDir,
                "127.0.0.1",
                RedisServerConfig.PORTS,
                new RedisLauncher(binary),
                Clock.systemUTC(),
                Duration.ofSeconds(5)),
            stateDir);
    try {
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        members.add(cluster.runtime.prepare(i));
      }
      for (Member m : members) {
        cluster.runtime.start(m, Map.of());
      }
      membership.create(members);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    TestTeardown.killAll(runtime);
    runtime.stopAll();
    try (var paths = Files.walk(stateDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
