package dev.ballast.k8s.testkit.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Puts keys {@code <prefix>w-<n>} into etcd one after another (with a short pause), remembering
 * every put etcd acknowledged, and reads them back at the end with a linearizable read. A put that
 * failed or timed out has an unknown outcome and is not counted.
 */
public final class EtcdContinuousWriter implements AutoCloseable {
  private final Client client;
  private final String prefix;
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  /** Starts writing through {@code endpoints} ({@code http://host:port}) under {@code prefix}. */
  public EtcdContinuousWriter(List<String> endpoints, String prefix) {
    this.client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
    this.prefix = prefix;
    this.thread = new Thread(this::loop, "etcd-continuous-writer");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    for (int n = 0; running.get(); n++) {
      String key = prefix + "w-" + n;
      String value = Integer.toString(n);
      try {
        client.getKVClient().put(bytes(key), bytes(value)).get(5, TimeUnit.SECONDS);
        acknowledged.put(key, value);
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failures.incrementAndGet();
      }
    }
  }

  public int acknowledgedCount() {
    return acknowledged.size();
  }

  /** Puts that failed or timed out (outcome unknown). */
  public long failureCount() {
    return failures.get();
  }

  /**
   * Stops writing and returns the acknowledged keys that are not read back with their value (empty:
   * nothing lost).
   */
  public List<String> lostWrites() throws Exception {
    stop();
    List<KeyValue> kvs =
        client
            .getKVClient()
            .get(bytes(prefix), GetOption.builder().isPrefix(true).build())
            .get(20, TimeUnit.SECONDS)
            .getKvs();
    Map<String, String> stored =
        kvs.stream()
            .collect(
                Collectors.toMap(
                    kv -> kv.getKey().toString(StandardCharsets.UTF_8),
                    kv -> kv.getValue().toString(StandardCharsets.UTF_8)));
    return acknowledged.entrySet().stream()
        .filter(e -> !e.getValue().equals(stored.get(e.getKey())))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  private void stop() throws InterruptedException {
    running.set(false);
    thread.join(30_000);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    stop();
    client.close();
  }
}
