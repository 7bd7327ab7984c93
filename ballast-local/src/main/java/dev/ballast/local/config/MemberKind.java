package dev.ballast.local.config;

/**
 * What a local member runs: a built-in ZooKeeper server, an etcd server, a Redis Cluster node, a
 * RabbitMQ node, a Kafka broker, or any program from a command template.
 */
public enum MemberKind {
  /** A ZooKeeper server ({@code QuorumPeerMain}) in its own JVM, from Ballast's own class path. */
  ZOOKEEPER,
  /**
   * An etcd server ({@code etcd} from {@link MemberSpec#binary()}, by default the one the project's
   * {@code scripts/install-test-tools} builds), with the ports {@code client} and {@code peer}.
   */
  ETCD,
  /**
   * A Redis Cluster master ({@code redis-server} from {@link MemberSpec#binary()}, by default the
   * one on the PATH), with the ports {@code client} and {@code bus}.
   */
  REDIS,

  /**
   * A RabbitMQ node (Debian's {@code rabbitmq-server} script, or the one {@link
   * MemberSpec#binary()} names), with the ports {@code amqp} and {@code dist}.
   */
  RABBITMQ,

  /**
   * A Kafka broker ({@code kafka.Kafka} in its own JVM, from Ballast's own class path) with the
   * port {@code client}, beside a fixed KRaft controller quorum of {@link MemberSpec#controllers()}
   * members that the local runtime starts with the first broker.
   */
  KAFKA,
  /** A user's program started from {@link MemberSpec#command()} with its placeholders filled in. */
  COMMAND
}
