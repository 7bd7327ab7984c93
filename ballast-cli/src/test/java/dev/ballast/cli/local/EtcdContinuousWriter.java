package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.Collectors;

/**
 * Puts keys {@code <prefix>w-<n>} into etcd one after another (with a short pause), remembering
 * every put etcd acknowledged, and checks at the end with a linearizable read that each one is
 * there with its value. A put that failed or timed out has an unknown outcome and is not counted.
 */
final class EtcdContinuousWriter implements AutoCloseable {
  private final Client client;
  private final String prefix;
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  EtcdContinuousWriter(List<String> endpoints, String prefix) {
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
        failures.add(e.toString());
      }
    }
  }

  int acknowledgedCount() {
    return acknowledged.size();
  }

  /** Stops writing and asserts every acknowledged put is there with its value. */
  void assertNoLostWrites() throws Exception {
    stop();
    assertThat(acknowledged).as("writes acknowledged during the test").isNotEmpty();
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
    assertThat(stored).as("acknowledged writes read back").containsAllEntriesOf(acknowledged);
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
