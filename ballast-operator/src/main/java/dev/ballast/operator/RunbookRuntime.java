package dev.ballast.operator;

import dev.ballast.core.port.ForwardingReplicaRuntime;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.peers.PeerListPublisher;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes runtime with the runbook fields of its StatefulAutoscaler: PUBLISH also writes the
 * peer list ConfigMap and runs its follow-up ({@link PeerListPublisher}), whose lines (the list
 * written, each pod restarted and how long it took) go into the stage's history record through
 * {@link #takeActionReport}; the node count and each member's node come from the schedulable Nodes
 * ({@link SchedulableNodes}) for {@code sizeByNodes} and {@code placement: OnePerNode}. Everything
 * else is the wrapped runtime's.
 */
final class RunbookRuntime extends ForwardingReplicaRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(RunbookRuntime.class);

  private final Optional<PeerListPublisher> peers;
  private final SchedulableNodes nodes;
  private final List<String> report = new java.util.ArrayList<>();

  RunbookRuntime(
      KubernetesReplicaRuntime runtime, Optional<PeerListPublisher> peers, SchedulableNodes nodes) {
    super(runtime);
    this.peers = peers;
    this.nodes = nodes;
  }

  @Override
  public void publish(List<Member> members) {
    delegate().publish(members);
    if (peers.isPresent()) {
      try {
        List<String> lines = peers.get().publish(members);
        lines.forEach(l -> LOG.info("action=peers message=\"{}\"", l));
        // The PUBLISH stage's history record: the list written, then each pod restarted, in order.
        report.addAll(lines);
      } catch (RuntimeException e) {
        throw e instanceof MembershipException
            ? e
            : new MembershipException("cannot publish the peer list: " + e.getMessage(), e);
      }
    }
  }

  /** The lines of the last PUBLISH (the list written, the pods restarted), then forgotten. */
  @Override
  public String takeActionReport() {
    return takeActionReport(report);
  }

  /**
   * Writes the peer list for the current members when none was written yet (a new resource), with
   * no follow-up: the members running now started without it; the next change restarts or reloads.
   */
  void publishInitial(List<Member> members) {
    if (peers.isPresent() && peers.get().version() == 0) {
      peers.get().writeOnly(members);
    }
  }

  @Override
  public Optional<String> nodeOf(int ordinal) {
    return nodes.nodeOf(ordinal);
  }

  @Override
  public OptionalInt schedulableNodes() {
    return nodes.count();
  }
}
