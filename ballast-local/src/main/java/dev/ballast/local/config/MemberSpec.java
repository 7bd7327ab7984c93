package dev.ballast.local.config;

import dev.ballast.members.etcd.EtcdServerConfig;
import dev.ballast.members.kafka.KafkaServerConfig;
import dev.ballast.members.redis.RedisServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How each member of a local cluster is started. For {@link MemberKind#ZOOKEEPER} the ports are
 * fixed ({@code client}, {@code quorum}, {@code election}, {@code admin}) and {@code heap}/{@code
 * tickTime} tune the server; for {@link MemberKind#COMMAND} {@code command} is an argument list
 * whose placeholders ({@code {ordinal}}, {@code {id}}, {@code {dataDir}}, {@code {host}}, {@code
 * {port:NAME}}) are filled in per member and {@code ports} names the ports to reserve. For {@link
 * MemberKind#ETCD} the ports are {@code client} and {@code peer}, and {@code binary} (nullable) is
 * the etcd executable when not the default one. {@link MemberKind#REDIS} is the same with the ports
 * {@code client} and {@code bus} and the {@code redis-server} executable. {@code
 * storageCapacityBytes} is each member's storage capacity, the divisor of the {@code
 * data_dir_usage} metric (empty when not set). For {@link MemberKind#KAFKA} the members are brokers
 * with the port {@code client}, {@code heap} is each broker's and controller's heap, and {@code
 * controllers} is the size of the fixed KRaft controller quorum that runs beside them (ignored for
 * other kinds).
 */
public record MemberSpec(
    MemberKind kind,
    String host,
    String heap,
    Duration tickTime,
    List<String> command,
    List<String> ports,
    Map<String, String> env,
    Path binary,
    OptionalLong storageCapacityBytes,
    int controllers) {

  /** The controllers of a Kafka cluster when the file does not say. */
  public static final int DEFAULT_CONTROLLERS = 1;

  /** The port names of a built-in ZooKeeper member. */
  public static final List<String> ZOOKEEPER_PORTS =
      List.of("client", "quorum", "election", "admin");

  public MemberSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(host, "host");
    command = List.copyOf(command);
    ports = List.copyOf(ports);
    env = Map.copyOf(env);
    storageCapacityBytes =
        storageCapacityBytes == null ? OptionalLong.empty() : storageCapacityBytes;
  }

  /** The names of the ports each member gets, in a stable order. */
  public List<String> portNames() {
    return switch (kind) {
      case ZOOKEEPER -> ZOOKEEPER_PORTS;
      case ETCD -> EtcdServerConfig.PORTS;
      case REDIS -> RedisServerConfig.PORTS;
      case RABBITMQ -> dev.ballast.members.rabbitmq.RabbitMqNodes.PORTS;
      case KAFKA -> KafkaServerConfig.PORTS;
      default -> ports;
    };
  }
}
