package dev.ballast.local.runtime;

import dev.ballast.core.port.ForwardingReplicaRuntime;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.ReplicaRuntime;
import dev.ballast.members.peers.PeerListPublisher;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The local runtime as the cluster file configures it: PUBLISH also renders the peer list into its
 * file and has every member reload it ({@link PeerListPublisher}), and members are placed on the
 * configured nodes in turn (member k on node k modulo their number), so that the placement rules
 * can be checked; everything else is the wrapped runtime's.
 */
public final class ConfiguredRuntime extends ForwardingReplicaRuntime {
  private final Optional<PeerListPublisher> peers;
  private final List<String> nodes;

  /** {@code nodes} empty: the runtime cannot tell where members run. */
  public ConfiguredRuntime(
      ReplicaRuntime runtime, Optional<PeerListPublisher> peers, List<String> nodes) {
    super(runtime);
    this.peers = peers;
    this.nodes = List.copyOf(nodes);
  }

  @Override
  public void publish(List<Member> members) {
    delegate().publish(members);
    peers.ifPresent(p -> p.publish(members));
  }

  @Override
  public Optional<String> nodeOf(int ordinal) {
    return nodes.isEmpty() ? Optional.empty() : Optional.of(nodes.get(ordinal % nodes.size()));
  }

  @Override
  public OptionalInt schedulableNodes() {
    return nodes.isEmpty() ? OptionalInt.empty() : OptionalInt.of(nodes.size());
  }
}
