package dev.ballast.local.bench;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.local.runtime.KafkaControllerQuorum;
import dev.ballast.local.runtime.KafkaLauncher;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.members.kafka.KafkaServerConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.tools.reassign.ReassignPartitionsCommand;

/**
 * The floor for scaling a local Kafka (KRaft) cluster's brokers 3 → 4 and 4 → 3: what a careful
 * operator does by hand with Kafka's own tools, with no Ballast engine, journal or verification,
 * timed. Brokers and the one controller are started and stopped by the same local runtime Ballast
 * uses, with the same settings, and carry the same {@link #TOPIC} with the same data, so that only
 * the membership work differs.
 *
 * <p>Add: start broker 3; wait until the controllers list it registered and unfenced; {@code
 * kafka-reassign-partitions --generate} for {@link #TOPIC} over brokers 0–3, then {@code --execute}
 * of the proposal, then {@code --verify} every 20 ms until every partition reports complete.
 * Remove: {@code --generate} over brokers 0–2 (every replica off broker 3), {@code --execute},
 * {@code --verify} until complete, wait until every partition has its full in-sync replica set,
 * stop broker 3, then {@code kafka-cluster unregister --id 3}.
 *
 * <p>{@code --generate} and {@code --execute} run the tool's own code ({@link
 * ReassignPartitionsCommand#generateAssignment} and {@link
 * ReassignPartitionsCommand#executeAssignment} from kafka-tools) in this JVM on one Admin client: a
 * person at a shell also starts a JVM per tool run (about a second each), which would make the
 * floor slower than the work it stands for. {@code --verify} and {@code unregister} are not public
 * code of the tools; the floor makes the Admin calls they make ({@code listPartitionReassignments}
 * and {@code describeTopics}, compared with the proposal; {@code unregisterBroker}). No throttle is
 * set, so none is cleared.
 */
public final class KafkaManualFloor {
  /** The topic both sides of the bench carry. */
  public static final String TOPIC = "bench";

  /** Partitions of {@link #TOPIC}. */
  public static final int PARTITIONS = 6;

  /** Replication factor of {@link #TOPIC}. */
  public static final short REPLICATION = 3;

  /** Records written to {@link #TOPIC} before the clock starts, {@value #RECORD_BYTES} each. */
  public static final int RECORDS = 20_000;

  /** Bytes of each record's value. */
  public static final int RECORD_BYTES = 512;

  /** Each broker's and the controller's heap, on both sides. */
  public static final String HEAP = "256m";

  private static final int NEW_BROKER = 3;

  private KafkaManualFloor() {}

  /**
   * Measures with brokers and a controller under {@code workDir} run from {@code classPath}; each
   * step's time is told to {@code steps}.
   */
  public static ScaleBench.Floor measure(
      Path workDir, String classPath, java.util.function.Consumer<String> steps) {
    KafkaControllerQuorum quorum =
        new KafkaControllerQuorum(
            workDir, "127.0.0.1", 1, HEAP, classPath, Clock.systemUTC(), Duration.ofSeconds(10));
    LocalProcessRuntime runtime =
        new LocalProcessRuntime(
            workDir,
            "127.0.0.1",
            KafkaServerConfig.PORTS,
            new KafkaLauncher(quorum, HEAP, classPath),
            Clock.systemUTC(),
            Duration.ofSeconds(10));
    try {
      List<Member> first = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        first.add(runtime.prepare(i));
      }
      for (Member m : first) {
        runtime.start(m, Map.of());
      }
      try (Admin admin = admin(first)) {
        EtcdManualFloor.waitUntil(
            "brokers 0-2 registered", () -> serving(admin).equals(Set.of(0, 1, 2)));
      }
      fillTopic(KafkaServerConfig.bootstrap(first));

      try (Admin admin = admin(first)) {
        Stopwatch watch = new Stopwatch(steps);
        Member joining = runtime.prepare(NEW_BROKER);
        runtime.start(joining, Map.of());
        watch.lap("start");
        EtcdManualFloor.waitUntil("broker 3 registered", () -> serving(admin).contains(NEW_BROKER));
        watch.lap("registered");
        reassign(admin, "0,1,2,3", watch);
        Duration up = watch.total("3->4");

        watch = new Stopwatch(steps);
        reassign(admin, "0,1,2", watch);
        EtcdManualFloor.waitUntil("every partition fully in sync", () -> fullyInSync(admin));
        watch.lap("full ISR");
        runtime.stop(NEW_BROKER);
        watch.lap("stop");
        get(admin.unregisterBroker(NEW_BROKER).all());
        watch.lap("unregister");
        Duration down = watch.total("4->3");
        return new ScaleBench.Floor(up, down);
      }
    } finally {
      runtime.stopAll();
      quorum.stopAll();
      for (Member m : runtime.members()) {
        runtime.cleanup(m.ordinal(), DataPolicy.DELETE);
      }
    }
  }

  /**
   * Creates {@link #TOPIC} on the brokers at {@code bootstrap} and writes {@link #RECORDS} records
   * to it with {@code acks=all}; returns once every record is acknowledged.
   */
  public static void fillTopic(String bootstrap) {
    Properties a = new Properties();
    a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(a)) {
      get(
          admin
              .createTopics(
                  List.of(
                      new NewTopic(TOPIC, PARTITIONS, REPLICATION)
                          .configs(Map.of("min.insync.replicas", "2"))))
              .all());
      // Writes right after the creation meet leaders still being elected: wait until every
      // partition has a leader and its full in-sync replica set.
      EtcdManualFloor.waitUntil(
          "the bench topic's leaders",
          () -> {
            try {
              Map<TopicPartition, TopicPartitionInfo> ps = partitions(admin);
              return ps.size() == PARTITIONS
                  && ps.values().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())
                  && fullyInSync(admin);
            } catch (IllegalStateException e) {
              return false;
            }
          });
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // Plain retries, one batch in flight per partition: an idempotent producer that meets a
    // leader change right after the creation can retry OUT_OF_ORDER_SEQUENCE_NUMBER for minutes.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    byte[] value = new byte[RECORD_BYTES];
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        value[i % RECORD_BYTES] = (byte) i;
        sent.add(producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, value.clone())));
      }
      producer.flush();
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot write the bench data: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the bench data", e);
    }
  }

  /**
   * {@code --generate} for {@link #TOPIC} over {@code brokers}, {@code --execute} of the proposal,
   * {@code --verify} until complete.
   */
  private static void reassign(Admin admin, String brokers, Stopwatch watch) {
    Map<TopicPartition, List<Integer>> proposed = new java.util.HashMap<>();
    try {
      quietly(
          () ->
              proposed.putAll(
                  ReassignPartitionsCommand.generateAssignment(
                          admin,
                          "{\"version\":1,\"topics\":[{\"topic\":\"" + TOPIC + "\"}]}",
                          brokers,
                          false)
                      .getKey()));
      watch.lap("--generate");
      String plan = ReassignPartitionsCommand.formatAsReassignmentJson(proposed, Map.of());
      quietly(
          () ->
              ReassignPartitionsCommand.executeAssignment(
                  admin, false, plan, -1L, -1L, 10_000L, Time.SYSTEM, false));
      watch.lap("--execute");
    } catch (Exception e) {
      throw new IllegalStateException(
          "kafka-reassign-partitions over brokers " + brokers + " failed: " + e.getMessage(), e);
    }
    EtcdManualFloor.waitUntil(
        "the reassignment over brokers " + brokers, () -> complete(admin, proposed));
    watch.lap("--verify complete");
  }

  /** Tells each step's time since the previous one, and the total. */
  private static final class Stopwatch {
    private final java.util.function.Consumer<String> steps;
    private final long start = System.nanoTime();
    private long last = start;
    private final StringBuilder line = new StringBuilder();

    Stopwatch(java.util.function.Consumer<String> steps) {
      this.steps = steps;
    }

    void lap(String step) {
      long now = System.nanoTime();
      line.append(line.isEmpty() ? "" : ", ")
          .append(step)
          .append(' ')
          .append(Duration.ofNanos(now - last).toMillis())
          .append(" ms");
      last = now;
    }

    Duration total(String change) {
      Duration total = Duration.ofNanos(System.nanoTime() - start);
      steps.accept("floor " + change + ": " + line);
      return total;
    }
  }

  /**
   * What {@code --verify} reports as complete: no partition of the plan is still reassigning, and
   * each has exactly the proposed replicas.
   */
  private static boolean complete(Admin admin, Map<TopicPartition, List<Integer>> proposed) {
    Map<TopicPartition, TopicPartitionInfo> now;
    try {
      if (!get(admin.listPartitionReassignments(proposed.keySet()).reassignments()).isEmpty()) {
        return false;
      }
      now = partitions(admin);
    } catch (IllegalStateException e) {
      return false; // no answer this time: asked again
    }
    return proposed.entrySet().stream()
        .allMatch(
            e ->
                now.containsKey(e.getKey())
                    && ids(now.get(e.getKey()).replicas()).equals(e.getValue()));
  }

  private static boolean fullyInSync(Admin admin) {
    try {
      return partitions(admin).values().stream()
          .allMatch(p -> Set.copyOf(ids(p.isr())).containsAll(ids(p.replicas())));
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static Map<TopicPartition, TopicPartitionInfo> partitions(Admin admin) {
    TopicDescription d = get(admin.describeTopics(List.of(TOPIC)).allTopicNames()).get(TOPIC);
    return d.partitions().stream()
        .collect(Collectors.toMap(p -> new TopicPartition(TOPIC, p.partition()), p -> p));
  }

  /** The brokers the controllers list registered and unfenced. */
  private static Set<Integer> serving(Admin admin) {
    try {
      return get(admin.describeCluster(new DescribeClusterOptions()).nodes()).stream()
          .filter(n -> !n.isFenced())
          .map(Node::id)
          .collect(Collectors.toSet());
    } catch (IllegalStateException e) {
      return Set.of();
    }
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).toList();
  }

  private static Admin admin(List<Member> brokers) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaServerConfig.bootstrap(brokers));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    return Admin.create(p);
  }

  private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A step of the tool's code, whose console report (the plan, for a rollback) is not wanted. */
  private interface ToolStep {
    void run() throws Exception;
  }

  private static void quietly(ToolStep step) throws Exception {
    PrintStream out = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      step.run();
    } finally {
      System.setOut(out);
    }
  }
}
