package dev.ballast.members.kafka;

import dev.ballast.core.port.Member;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * The files and command line of a Kafka (KRaft) member: a broker (node id = its ordinal, port
 * {@code client}) or a controller of the fixed quorum (node id {@value #CONTROLLER_ID_BASE} + its
 * ordinal, port {@code controller}). Both run {@code kafka.Kafka} from a given class path, listen
 * on their member's host only, and keep their log in their data directory. A broker's data
 * directory is formatted by writing its {@code meta.properties} (cluster id, node id, a directory
 * id), as {@code kafka-storage format} does; a controller's by {@code kafka-storage format} itself
 * (it also writes the bootstrap metadata), run before the server by {@link #controllerCommand}.
 */
public final class KafkaServerConfig {
  /** The port names of a broker. */
  public static final List<String> PORTS = List.of("client");

  /** The port names of a controller. */
  public static final List<String> CONTROLLER_PORTS = List.of("controller");

  /** Controllers take node ids from here on, so that they never clash with a broker's ordinal. */
  public static final int CONTROLLER_ID_BASE = 1000;

  /** The configuration file a member's directory holds. */
  public static final String CONFIG_FILE = "server.properties";

  /** The logging configuration (Logback: the binding on Ballast's class path). */
  public static final String LOGGING_FILE = "logback.xml";

  private KafkaServerConfig() {}

  /** {@code host:port} of a broker's client listener. */
  public static String address(Member broker) {
    return broker.host() + ":" + broker.port("client");
  }

  /** The bootstrap servers of {@code brokers} for a Kafka client. */
  public static String bootstrap(List<Member> brokers) {
    return brokers.stream().map(KafkaServerConfig::address).collect(Collectors.joining(","));
  }

  /** {@code controller.quorum.voters}: {@code id@host:port} of each controller. */
  public static String voters(List<Member> controllers) {
    return controllers.stream()
        .map(c -> (CONTROLLER_ID_BASE + c.ordinal()) + "@" + c.host() + ":" + c.port("controller"))
        .collect(Collectors.joining(","));
  }

  /** A new cluster id (Kafka's base64 UUID form). */
  public static String newClusterId() {
    return Uuid.randomUuid().toString();
  }

  /** The properties of broker {@code member} of a cluster whose controllers are {@code voters}. */
  public static String brokerProperties(Member member, Path dataDir, String voters) {
    String listener = "PLAINTEXT://" + address(member);
    return lines(
        "process.roles=broker",
        "node.id=" + member.ordinal(),
        "controller.quorum.voters=" + voters,
        "controller.listener.names=CONTROLLER",
        "listeners=" + listener,
        "advertised.listeners=" + listener,
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + dataDir.toAbsolutePath(),
        // Few internal partitions: each one is moved on every add and remove.
        "offsets.topic.num.partitions=3",
        "transaction.state.log.num.partitions=3",
        "group.initial.rebalance.delay.ms=0",
        // Sized for small local brokers: the cleaner's default 128 MiB buffer outgrows their heap.
        "log.cleaner.dedupe.buffer.size=8388608",
        "num.network.threads=2",
        "num.io.threads=2",
        "background.threads=2",
        "auto.create.topics.enable=false");
  }

  /** The properties of controller {@code member} of the quorum {@code voters}. */
  public static String controllerProperties(Member member, Path dataDir, String voters) {
    return lines(
        "process.roles=controller",
        "node.id=" + (CONTROLLER_ID_BASE + member.ordinal()),
        "controller.quorum.voters=" + voters,
        "controller.listener.names=CONTROLLER",
        "listeners=CONTROLLER://" + member.host() + ":" + member.port("controller"),
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT",
        "log.dirs=" + dataDir.toAbsolutePath());
  }

  /**
   * Formats a broker's data directory for {@code clusterId} unless it was formatted before (a
   * restarted broker keeps its identity and its data).
   */
  public static void formatBroker(Member member, Path dataDir, String clusterId)
      throws IOException {
    Path meta = dataDir.resolve("meta.properties");
    if (Files.exists(meta)) {
      return;
    }
    Files.createDirectories(dataDir);
    Path tmp = dataDir.resolve("meta.properties.tmp");
    Files.writeString(
        tmp,
        lines(
            "version=1",
            "cluster.id=" + clusterId,
            "node.id=" + member.ordinal(),
            "directory.id=" + Uuid.randomUuid()),
        StandardCharsets.UTF_8);
    Files.move(tmp, meta, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Writes {@code properties} and the logging configuration into {@code memberDir}. */
  public static Path write(Path memberDir, String properties) throws IOException {
    Files.createDirectories(memberDir);
    Files.writeString(memberDir.resolve(LOGGING_FILE), LOGGING, StandardCharsets.UTF_8);
    Path config = memberDir.resolve(CONFIG_FILE);
    Files.writeString(config, properties, StandardCharsets.UTF_8);
    return config;
  }

  /**
   * The program line of a broker: {@code java} with {@code heap} running {@code kafka.Kafka} on
   * {@code config}; the class path comes through the {@code CLASSPATH} variable (it is long).
   */
  public static List<String> brokerCommand(Path java, String heap, Path config) {
    List<String> argv = new ArrayList<>(jvm(java, heap, config));
    argv.add("kafka.Kafka");
    argv.add(config.toString());
    return argv;
  }

  /**
   * The program line of a controller: a shell that formats its data directory for {@code clusterId}
   * (a formatted one is left as it is), then becomes the controller.
   */
  public static List<String> controllerCommand(
      Path java, String heap, Path config, String clusterId) {
    String format =
        String.join(" ", quoted(jvm(java, "64m", config)))
            + " kafka.tools.StorageTool format --ignore-formatted -t "
            + clusterId
            + " -c "
            + quote(config.toString());
    String run = String.join(" ", quoted(brokerCommand(java, heap, config)));
    return List.of("/bin/sh", "-c", format + " && exec " + run);
  }

  private static List<String> jvm(Path java, String heap, Path config) {
    return List.of(
        java.toString(),
        "-Xms32m",
        "-Xmx" + heap,
        "-XX:+UseSerialGC",
        // The client compiler only: a broker starts in a fraction of the CPU (local clusters share
        // a machine), at some cost in peak throughput.
        "-XX:TieredStopAtLevel=1",
        "-Djava.awt.headless=true",
        "-Dlogback.configurationFile=" + config.resolveSibling(LOGGING_FILE));
  }

  private static List<String> quoted(List<String> argv) {
    return argv.stream().map(KafkaServerConfig::quote).toList();
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  private static final String LOGGING =
      """
      <configuration>
        <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
        </appender>
        <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
        <logger name="kafka.server.BrokerServer" level="INFO"/>
        <logger name="kafka.server.ControllerServer" level="INFO"/>
        <root level="WARN"><appender-ref ref="OUT"/></root>
      </configuration>
      """;
}
