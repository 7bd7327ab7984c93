package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes unique keys into a Redis Cluster through a cluster-aware Lettuce client (it follows MOVED
 * and ASK while slots move) until closed, remembering every write Redis acknowledged; {@link
 * #assertNoLostWrites} reads each of them back.
 */
final class RedisContinuousWriter implements AutoCloseable {
  private static final int READ_BATCH = 1000;
  private final RedisClusterClient client;
  private final StatefulRedisClusterConnection<String, String> connection;
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong failures = new AtomicLong();
  private final Thread thread;

  RedisContinuousWriter(List<String> hostPorts, String prefix) {
    List<RedisURI> seeds = new ArrayList<>();
    for (String hp : hostPorts) {
      int colon = hp.lastIndexOf(':');
      seeds.add(
          RedisURI.builder()
              .withHost(hp.substring(0, colon))
              .withPort(Integer.parseInt(hp.substring(colon + 1)))
              .withTimeout(Duration.ofSeconds(5))
              .build());
    }
    client = RedisClusterClient.create(seeds);
    client.setOptions(
        ClusterClientOptions.builder()
            .maxRedirects(10)
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enablePeriodicRefresh(Duration.ofSeconds(1))
                    .enableAllAdaptiveRefreshTriggers()
                    .build())
            .build());
    connection = client.connect();
    thread =
        new Thread(
            () -> {
              long i = 0;
              while (running.get()) {
                String key = prefix + i++;
                String value = "v" + i;
                try {
                  if ("OK".equals(connection.sync().set(key, value))) {
                    acknowledged.put(key, value);
                  }
                } catch (RuntimeException e) {
                  failures.incrementAndGet();
                }
                try {
                  Thread.sleep(2);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "redis-writer");
    thread.setDaemon(true);
    thread.start();
  }

  int acknowledgedCount() {
    return acknowledged.size();
  }

  long failures() {
    return failures.get();
  }

  void stop() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
  }

  /**
   * Every acknowledged write reads back with its value (one GET per key, sent {@value #READ_BATCH}
   * at a time without waiting for each answer).
   */
  void assertNoLostWrites() throws Exception {
    stop();
    List<String> lost = new ArrayList<>();
    List<Map.Entry<String, String>> writes = new ArrayList<>(acknowledged.entrySet());
    for (int from = 0; from < writes.size(); from += READ_BATCH) {
      List<Map.Entry<String, String>> batch =
          writes.subList(from, Math.min(from + READ_BATCH, writes.size()));
      List<RedisFuture<String>> reads = new ArrayList<>();
      for (Map.Entry<String, String> e : batch) {
        reads.add(connection.async().get(e.getKey()));
      }
      for (int i = 0; i < batch.size(); i++) {
        if (!batch.get(i).getValue().equals(reads.get(i).get(30, TimeUnit.SECONDS))) {
          lost.add(batch.get(i).getKey());
        }
      }
    }
    assertThat(lost).as("acknowledged writes lost of %d", acknowledged.size()).isEmpty();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    connection.close();
    client.shutdown();
  }
}
