package dev.ballast.local.config;

/** Which membership adapter drives joins and leaves of a local cluster. */
public enum MembershipType {
  /** ZooKeeper dynamic reconfiguration ({@code reconfig -add/-remove}). */
  ZOOKEEPER,
  /** etcd's member API: learner add, promote, member remove. */
  ETCD,
  /** Redis Cluster: meet, hash slots moved on and off, forget (masters only). */
  REDIS,
  /**
   * RabbitMQ clustering: join_cluster, quorum queues grown onto a new node and shrunk off a leaving
   * one, forget_cluster_node once it stopped.
   */
  RABBITMQ,
  /** Kafka (KRaft): partitions reassigned onto a new broker and off a leaving one, unregister. */
  KAFKA,
  /**
   * The user's own HTTP and exec hooks for each stage, a membership check and a health hook (see
   * {@code dev.ballast.members.hooks.HooksSpec}).
   */
  HOOKS,
  /** No membership protocol: a member is in the cluster while its process runs. */
  NONE
}
