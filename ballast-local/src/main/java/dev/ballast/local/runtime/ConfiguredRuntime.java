package dev.ballast.local.runtime;

import dev.ballast.core.port.DataPolicy;
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
 * with a rolling restart, a new member's START first writes the list with it so that it starts with
 * the version it would otherwise be restarted for. Members are placed on the configured nodes in
 * turn (member k on node k modulo their number), so that the placement rules can be checked;
 * everything else is the wrapped runtime's.
 */
public final class ConfiguredRuntime implements ReplicaRuntime {
  private final ReplicaRuntime runtime;
  private final Optional<PeerListPublisher> peers;
  private final List<String> nodes;
  private final List<String> report = new java.util.ArrayList<>();

  /** {@code nodes} empty: the runtime cannot tell where members run. */
  public ConfiguredRuntime(
      ReplicaRuntime runtime, Optional<PeerListPublisher> peers, List<String> nodes) {
    this.runtime = runtime;
    this.peers = peers;
    this.nodes = List.copyOf(nodes);
  }

  @Override
  public List<Member> members() {
    return runtime.members();
  }

  @Override
  public Optional<Member> member(int ordinal) {
    return runtime.member(ordinal);
  }

  @Override
  public Member prepare(int ordinal) {
    return runtime.prepare(ordinal);
  }

  @Override
  public void start(Member member, Map<String, String> launchSettings) {
    if (peers.isPresent()
        && peers.get().afterChange() == PeerListSpec.AfterChange.RESTART
        && !runtime.isRunning(member.ordinal())) {
      // It reads the list once, at start: give it the list it will belong to.
      report.addAll(peers.get().beforeStart(runtime.members(), List.of(member.ordinal())));
    }
    runtime.start(member, launchSettings);
  }

  @Override
  public boolean isRunning(int ordinal) {
    return runtime.isRunning(ordinal);
  }

  @Override
  public void stop(int ordinal) {
    runtime.stop(ordinal);
  }

  @Override
  public void cleanup(int ordinal, DataPolicy policy) {
    runtime.cleanup(ordinal, policy);
  }

  @Override
  public void publish(List<Member> members) {
    runtime.publish(members);
    if (peers.isPresent()) {
      report.addAll(peers.get().publish(members));
    }
  }

  @Override
  public String takeActionReport() {
    String text = String.join("; ", report);
    report.clear();
    return text;
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
