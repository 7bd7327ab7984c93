package dev.ballast.local.redis;

import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.core.testing.MembershipContract;
import dev.ballast.members.redis.RedisClusterMembership;
import dev.ballast.members.redis.RedisServerConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RedisClusterMembership} passes the membership contract on real Redis Cluster masters
 * ({@code redis-server} 7.0), started by the local process runtime on free 127.0.0.1 ports. The
 * nodes are shared by the tests: after a test that added a node (which owns no slot) or stopped
 * one, Redis's own {@code CLUSTER} commands (not the adapter) restore them; after slots moved, new
 * nodes start.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisClusterMembershipContractIT extends MembershipContract {
  private static final Duration RESTORE = Duration.ofSeconds(30);

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

  /**
   * Nodes a test added are killed and forgotten by every other node when they own no slot; a node a
   * test stopped starts again with its nodes.conf. Done when every node of 0..size-1 knows exactly
   * those nodes and says the cluster is ok.
   */
  @Override
  protected boolean restore(Cluster cluster, int size) throws Exception {
    List<Member> base =
        java.util.stream.IntStream.range(0, size)
            .mapToObj(i -> cluster.runtime().member(i).orElseThrow())
            .toList();
    Set<String> baseAddresses =
        base.stream().map(RedisClusterMembershipContractIT::address).collect(Collectors.toSet());
    Member first = base.get(0);
    List<String> lines = call(first, c -> c.sync().clusterNodes()).lines().toList();
    for (Member m : base) {
      if (lines.stream().noneMatch(l -> l.contains(" " + address(m) + "@"))) {
        return false; // a node left: new nodes are cheaper than adding it back
      }
    }
    List<String> strangers =
        lines.stream().filter(l -> !baseAddresses.contains(l.split(" ")[1].split("@")[0])).toList();
    if (strangers.stream().anyMatch(l -> l.split(" ").length > 8)) {
      return false; // slots moved onto an added node
    }
    for (Member m : cluster.runtime().members()) {
      if (m.ordinal() >= size) {
        cluster.runtime().stop(m.ordinal());
        cluster.runtime().cleanup(m.ordinal(), DataPolicy.DELETE);
      }
    }
    for (Member m : base) {
      if (!cluster.runtime().isRunning(m.ordinal())) {
        cluster.runtime().start(m, Map.of()); // it rejoins from its nodes.conf
      }
    }
    await()
        .atMost(RESTORE)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              for (Member m : base) {
                for (String l : strangers) {
                  String id = l.split(" ")[0];
                  if (call(m, c -> c.sync().clusterNodes()).contains(id)) {
                    call(m, c -> c.sync().clusterForget(id));
                  }
                }
              }
              for (Member m : base) {
                String info = call(m, c -> c.sync().clusterInfo());
                if (!info.contains("cluster_state:ok")
                    || !info.contains("cluster_known_nodes:" + size + "\r")) {
                  return false;
                }
              }
              return true;
            });
    return true;
  }

  private static String address(Member m) {
    return m.host() + ":" + m.port(RedisServerConfig.CLIENT_PORT);
  }

  private static <T> T call(Member m, Function<StatefulRedisConnection<String, String>, T> f) {
    RedisClient client =
        RedisClient.create(
            RedisURI.Builder.redis(m.host(), m.port(RedisServerConfig.CLIENT_PORT))
                .withTimeout(Duration.ofSeconds(5))
                .build());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return f.apply(c);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Override
  protected Duration settleTimeout() {
    return Duration.ofSeconds(30);
  }
}
