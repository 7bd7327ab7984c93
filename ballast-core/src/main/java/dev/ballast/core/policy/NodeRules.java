package dev.ballast.core.policy;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The rules that depend on the nodes members run on: how many nodes are schedulable now ({@code
 * schedulableNodes}, the runtime's data: a configured count locally, the Node list on Kubernetes;
 * null when unknown), an optional {@link NodeCountSizing} ({@code sizeByNodes}, null when none),
 * and whether at most one member may run on each node (checked in PREFLIGHT before a member is
 * added). Plain nullable fields so that the policy round-trips through JSON as it is.
 */
public record NodeRules(Integer schedulableNodes, NodeCountSizing sizeByNodes, boolean onePerNode) {
  public NodeRules {
    if (schedulableNodes != null && schedulableNodes < 0) {
      throw new IllegalArgumentException("schedulableNodes must be >= 0");
    }
  }

  /** No node rule: any placement, size from the metrics. */
  public static NodeRules none() {
    return new NodeRules(null, null, false);
  }

  /** The rules for {@code nodes} schedulable nodes (empty: unknown) and an optional sizing. */
  public static NodeRules of(
      OptionalInt nodes, Optional<NodeCountSizing> sizing, boolean onePerNode) {
    return new NodeRules(
        nodes.isPresent() ? nodes.getAsInt() : null, sizing.orElse(null), onePerNode);
  }

  /** The same rules with the node count the runtime reports now. */
  public NodeRules withSchedulableNodes(int nodes) {
    return new NodeRules(nodes, sizeByNodes, onePerNode);
  }

  /** The node count, empty when unknown. */
  public OptionalInt nodeCount() {
    return schedulableNodes == null ? OptionalInt.empty() : OptionalInt.of(schedulableNodes);
  }

  /** The node count sizing, empty when the component is sized by its metrics. */
  public Optional<NodeCountSizing> sizing() {
    return Optional.ofNullable(sizeByNodes);
  }
}
