package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends records {@code w-<n>} to a topic one after another (acks=all, idempotent, a short pause),
 * remembering every record the brokers acknowledged, and checks at the end, reading the whole topic
 * from the beginning, that each one is there with its value. A send that failed or timed out has an
 * unknown outcome and is not counted.
 */
final class KafkaContinuousWriter implements AutoCloseable {
  private final KafkaProducer<String, String> producer;
  private final String bootstrap;
  private final String topic;
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  KafkaContinuousWriter(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.thread = new Thread(this::loop, "kafka-continuous-writer");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    for (int n = 0; running.get(); n++) {
      String key = "w-" + n;
      String value = Integer.toString(n);
      try {
        producer.send(new ProducerRecord<>(topic, key, value)).get(15, TimeUnit.SECONDS);
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

  /** Stops writing and asserts every acknowledged record is in the topic with its value. */
  void assertNoLostWrites() throws Exception {
    stop();
    assertThat(acknowledged).as("writes acknowledged during the test").isNotEmpty();
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, String> stored = new HashMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertThat(System.nanoTime()).as("read the topic within 60 s").isLessThan(deadline);
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          stored.put(r.key(), r.value());
        }
      }
    }
    assertThat(stored).as("acknowledged writes read back").containsAllEntriesOf(acknowledged);
  }

  private void stop() throws InterruptedException {
    running.set(false);
    thread.join(30_000);
  }

  @Override
  public void close() throws Exception {
    stop();
    producer.close(Duration.ofSeconds(5));
  }
}
