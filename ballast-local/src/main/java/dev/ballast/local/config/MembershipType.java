package dev.ballast.local.config;

/** Which membership adapter drives joins and leaves of a local cluster. */
public enum MembershipType {
  /** ZooKeeper dynamic reconfiguration ({@code reconfig -add/-remove}). */
  ZOOKEEPER,
  /** etcd's member API: learner add, promote, member remove. */
  ETCD,
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
