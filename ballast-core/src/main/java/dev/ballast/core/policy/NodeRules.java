package dev.ballast.core.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The rules that depend on the nodes members run on: how many nodes are schedulable now (the
 * runtime's data: a configured count locally, the Node list on Kubernetes; empty when unknown), an
 * optional {@link NodeCountSizing}, and whether at most one member may run on each node (checked in
 * PREFLIGHT before a member is added).
 */
public record NodeRules(
    OptionalInt schedulableNodes, Optional<NodeCountSizing> sizeByNodes, boolean onePerNode) {
  public NodeRules {
    Objects.requireNonNull(schedulableNodes, "schedulableNodes");
    Objects.requireNonNull(sizeByNodes, "sizeByNodes");
    if (schedulableNodes.isPresent() && schedulableNodes.getAsInt() < 0) {
      throw new IllegalArgumentException("schedulableNodes must be >= 0");
    }
  }

  /** No node rule: any placement, size from the metrics. */
  public static NodeRules none() {
    return new NodeRules(OptionalInt.empty(), Optional.empty(), false);
  }

  /** The same rules with the node count the runtime reports now. */
  public NodeRules withSchedulableNodes(int nodes) {
    return new NodeRules(OptionalInt.of(nodes), sizeByNodes, onePerNode);
  }
}
