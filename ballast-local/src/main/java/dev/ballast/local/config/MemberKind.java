package dev.ballast.local.config;

/**
 * What a local member runs: a built-in ZooKeeper server, or any program from a command template.
 */
public enum MemberKind {
  /** A ZooKeeper server ({@code QuorumPeerMain}) in its own JVM, from Ballast's own class path. */
  ZOOKEEPER,
  /** A user's program started from {@link MemberSpec#command()} with its placeholders filled in. */
  COMMAND
}
