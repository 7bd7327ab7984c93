package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes persistent messages {@code p-<n>} to quorum queues in turn, one at a time with
 * publisher confirms (a short pause between), through the nodes it is given (the next one when a
 * connection fails), remembering every message the broker confirmed. At the end every queue is
 * consumed to empty and every confirmed message must have come back. A publish that failed or was
 * not confirmed in time has an unknown outcome and is not counted.
 */
final class RabbitMqContinuousPublisher implements AutoCloseable {
  private final List<Integer> amqpPorts;
  private final List<String> queues;
  private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  /** Declares {@code queues} as quorum queues and starts publishing to them. */
  RabbitMqContinuousPublisher(List<Integer> amqpPorts, List<String> queues) throws Exception {
    this.amqpPorts = List.copyOf(amqpPorts);
    this.queues = List.copyOf(queues);
    try (Connection c = connect(0);
        Channel ch = c.createChannel()) {
      for (String q : queues) {
        ch.queueDeclare(q, true, false, false, Map.of("x-queue-type", "quorum"));
      }
    }
    this.thread = new Thread(this::loop, "rabbitmq-continuous-publisher");
    thread.setDaemon(true);
    thread.start();
  }

  private Connection connect(int attempt) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost("127.0.0.1");
    f.setPort(amqpPorts.get(attempt % amqpPorts.size()));
    f.setAutomaticRecoveryEnabled(false);
    f.setConnectionTimeout(5_000);
    return f.newConnection("ballast-it-publisher");
  }

  private void loop() {
    int attempt = 0;
    int n = 0;
    while (running.get()) {
      try (Connection c = connect(attempt);
          Channel ch = c.createChannel()) {
        ch.confirmSelect();
        while (running.get()) {
          String body = "p-" + n;
          ch.basicPublish(
              "",
              queues.get(n % queues.size()),
              MessageProperties.PERSISTENT_TEXT_PLAIN,
              body.getBytes(StandardCharsets.UTF_8));
          n++;
          if (ch.waitForConfirms(10_000)) {
            confirmed.add(body);
          }
          Thread.sleep(10);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failures.add(e.toString());
        attempt++;
        n++; // the message in flight has an unknown outcome: never reuse its body
      }
    }
  }

  int confirmedCount() {
    return confirmed.size();
  }

  List<String> failures() {
    return failures;
  }

  /** Stops publishing, consumes every queue to empty and asserts every confirmed message came. */
  void assertEveryConfirmedMessageConsumed() throws Exception {
    stop();
    assertThat(confirmed).as("messages confirmed during the test").isNotEmpty();
    Set<String> consumed = new HashSet<>();
    try (Connection c = connect(0);
        Channel ch = c.createChannel()) {
      for (String q : queues) {
        // Publishing stopped, so the queue holds a fixed number of messages: consume that many as
        // the broker pushes them (one basic.get per message takes a round trip each), then get
        // whatever might be left until the queue is empty.
        long ready = ch.queueDeclarePassive(q).getMessageCount();
        BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        String tag =
            ch.basicConsume(
                q,
                true,
                (consumerTag, d) -> delivered.add(new String(d.getBody(), StandardCharsets.UTF_8)),
                consumerTag -> {});
        for (long i = 0; i < ready; i++) {
          String body = delivered.poll(30, TimeUnit.SECONDS);
          assertThat(body).as("message %d of the %d in %s", i + 1, ready, q).isNotNull();
          consumed.add(body);
        }
        ch.basicCancel(tag);
        delivered.drainTo(consumed);
        for (GetResponse r = ch.basicGet(q, true); r != null; r = ch.basicGet(q, true)) {
          consumed.add(new String(r.getBody(), StandardCharsets.UTF_8));
        }
      }
    }
    Set<String> lost = new HashSet<>(confirmed);
    lost.removeAll(consumed);
    assertThat(lost).as("confirmed messages that were not consumed back").isEmpty();
  }

  private void stop() throws InterruptedException {
    running.set(false);
    thread.join(30_000);
  }

  @Override
  public void close() throws Exception {
    stop();
  }
}
