package dev.ballast.local.runtime;

import dev.ballast.core.port.ForwardingReplicaRuntime;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.ReplicaRuntime;
import dev.ballast.members.peers.PeerListPublisher;
import dev.ballast.members.peers.PeerListSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The local runtime as the cluster file configures it: PUBLISH also renders the peer list into its
 * file and has every member reload it, or restarts them one at a time ({@link PeerListPublisher});
 * with a rolling restart or per-member copies, a new member's START first writes the list with it
 * (and its copy) so that it starts with the version it would otherwise be told of. Members are
 * placed on the configured nodes in turn (member k on node k modulo their number), so that the
 * placement rules can be checked; everything else is the wrapped runtime's.
 */
public final class ConfiguredRuntime extends ForwardingReplicaRuntime {
  private final Optional<PeerListPublisher> peers;
  private final List<String> nodes;
  private final List<String> report = new java.util.ArrayList<>();

  /** {@code nodes} empty: the runtime cannot tell where members run. */
  public ConfiguredRuntime(
      ReplicaRuntime runtime, Optional<PeerListPublisher> peers, List<String> nodes) {
    super(runtime);
    this.peers = peers;
    this.nodes = List.copyOf(nodes);
  }

  @Override
  public void start(Member member, Map<String, String> launchSettings) {
    if (peers.isPresent()
        && (peers.get().afterChange() == PeerListSpec.AfterChange.RESTART
            || peers.get().copiesPerMember())
        && !delegate().isRunning(member.ordinal())) {
      // It reads the list at start (and a copy of its own must exist by then): give it the list
      // it will belong to.
      report.addAll(peers.get().beforeStart(delegate().members(), List.of(member.ordinal())));
    }
    delegate().start(member, launchSettings);
  }

  @Override
  public void publish(List<Member> members) {
    delegate().publish(members);
    if (peers.isPresent()) {
      report.addAll(peers.get().publish(members));
    }
  }

  @Override
  public String takeActionReport() {
    return takeActionReport(report);
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
