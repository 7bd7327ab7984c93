package dev.ballast.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The nodes that can run the target's members, as the operator sees them: Ready, not cordoned,
 * matching the pod template's {@code nodeSelector}, and without a {@code NoSchedule} or {@code
 * NoExecute} taint the template does not tolerate. Their number drives {@code sizeByNodes}; with
 * the members' pods ({@code spec.nodeName}) it tells where each member runs for {@code placement:
 * OnePerNode}. A member whose pod does not exist yet (the one PREFLIGHT is about to add) is placed
 * where the scheduler would have room: the first schedulable node, by name, that runs no member.
 * Nodes and pods are read through the target's {@link KubernetesReads} (in the operator, informer
 * caches): they drive a decision at each sync, and the PREFLIGHT that guards an add reads the
 * server itself ({@link ManagedCluster#capacity}).
 */
final class SchedulableNodes {
  private final TargetWorkload target;
  private final Supplier<PodSpec> template;

  SchedulableNodes(TargetWorkload target, Supplier<PodSpec> template) {
    this.target = target;
    this.template = template;
  }

  /** How many nodes can run a member now; empty when the Nodes cannot be read. */
  OptionalInt count() {
    try {
      return OptionalInt.of(names().size());
    } catch (RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  /** The node member {@code ordinal} runs on, or would run on if added now. */
  Optional<String> nodeOf(int ordinal) {
    KubernetesReads reads = target.reads();
    Pod pod = reads.pod(target.namespace(), target.podName(ordinal)).orElse(null);
    if (pod != null && pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
      return Optional.of(pod.getSpec().getNodeName());
    }
    if (pod != null) {
      return Optional.empty(); // created, not scheduled yet
    }
    Set<String> taken =
        java.util.stream.IntStream.range(0, ordinal)
            .mapToObj(k -> reads.pod(target.namespace(), target.podName(k)).orElse(null))
            .filter(p -> p != null && p.getSpec() != null && p.getSpec().getNodeName() != null)
            .map(p -> p.getSpec().getNodeName())
            .collect(Collectors.toSet());
    List<String> nodes = names();
    return nodes.stream()
        .filter(n -> !taken.contains(n))
        .findFirst()
        .or(() -> nodes.stream().findFirst());
  }

  private List<String> names() {
    PodSpec spec = template.get();
    return target.reads().nodes().stream()
        .filter(n -> schedulable(n, spec))
        .map(n -> n.getMetadata().getName())
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  /** Whether {@code node} can run a pod of {@code spec} (null: any pod). */
  static boolean schedulable(Node node, PodSpec spec) {
    if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
      return false;
    }
    boolean ready =
        node.getStatus() != null
            && node.getStatus().getConditions() != null
            && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    if (!ready) {
      return false;
    }
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    if (spec != null && spec.getNodeSelector() != null) {
      for (Map.Entry<String, String> e : spec.getNodeSelector().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    List<Taint> taints =
        node.getSpec() == null || node.getSpec().getTaints() == null
            ? List.of()
            : node.getSpec().getTaints();
    List<Toleration> tolerations =
        spec == null || spec.getTolerations() == null ? List.of() : spec.getTolerations();
    return taints.stream()
        .filter(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
        .allMatch(t -> tolerations.stream().anyMatch(tol -> tolerates(tol, t)));
  }

  private static boolean tolerates(Toleration tol, Taint taint) {
    if (tol.getEffect() != null
        && !tol.getEffect().isEmpty()
        && !tol.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (tol.getKey() == null || tol.getKey().isEmpty()) {
      return "Exists".equals(tol.getOperator());
    }
    if (!tol.getKey().equals(taint.getKey())) {
      return false;
    }
    return "Exists".equals(tol.getOperator())
        || java.util.Objects.equals(
            tol.getValue() == null ? "" : tol.getValue(),
            taint.getValue() == null ? "" : taint.getValue());
  }
}
