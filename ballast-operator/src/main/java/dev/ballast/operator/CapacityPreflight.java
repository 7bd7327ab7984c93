package dev.ballast.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the scheduler can place one more pod of a workload, checked before a member is added: a
 * schedulable, Ready node whose allocatable cpu and memory minus the requests of the pods already
 * on it covers the pod template's requests, and, when the template asks for one member per node
 * (required pod anti-affinity on {@code kubernetes.io/hostname} matching its own labels), that runs
 * no member yet. Taints, node selectors and other affinity terms are left to the scheduler.
 */
public final class CapacityPreflight {
  static final String HOSTNAME = "kubernetes.io/hostname";

  private CapacityPreflight() {}

  /** Empty when some node fits one more pod; otherwise what is short on each node. */
  public static Optional<String> check(PodTemplateSpec template, List<Node> nodes, List<Pod> pods) {
    PodSpec spec = template.getSpec();
    long cpu = 0;
    long memory = 0;
    for (Container c : spec.getContainers()) {
      cpu += milli(c, "cpu");
      memory += milli(c, "memory");
    }
    Optional<LabelSelector> onePerNode = onePerNode(template);
    List<String> shortages = new ArrayList<>();
    for (Node node : nodes) {
      String name = node.getMetadata().getName();
      if (Boolean.TRUE.equals(node.getSpec() == null ? null : node.getSpec().getUnschedulable())
          || !ready(node)) {
        shortages.add(name + ": not schedulable");
        continue;
      }
      long freeCpu = allocatable(node, "cpu");
      long freeMemory = allocatable(node, "memory");
      boolean hasMember = false;
      for (Pod p : pods) {
        if (!name.equals(p.getSpec().getNodeName()) || terminated(p)) {
          continue;
        }
        for (Container c : p.getSpec().getContainers()) {
          freeCpu -= milli(c, "cpu");
          freeMemory -= milli(c, "memory");
        }
        if (onePerNode.isPresent() && matches(onePerNode.get(), p.getMetadata().getLabels())) {
          hasMember = true;
        }
      }
      List<String> why = new ArrayList<>();
      if (hasMember) {
        why.add("already runs a member (one per node)");
      }
      if (freeCpu < cpu) {
        why.add("cpu short by " + (cpu - freeCpu) + "m");
      }
      if (freeMemory < memory) {
        why.add("memory short by " + (memory - freeMemory) / 1000 / (1024 * 1024) + "Mi");
      }
      if (why.isEmpty()) {
        return Optional.empty();
      }
      shortages.add(name + ": " + String.join(", ", why));
    }
    if (nodes.isEmpty()) {
      shortages.add("the cluster has no nodes");
    }
    return Optional.of(
        "no node can place one more pod (requests cpu "
            + cpu
            + "m, memory "
            + memory / 1000 / (1024 * 1024)
            + "Mi): "
            + String.join("; ", shortages));
  }

  private static Optional<LabelSelector> onePerNode(PodTemplateSpec template) {
    var affinity = template.getSpec().getAffinity();
    if (affinity == null || affinity.getPodAntiAffinity() == null) {
      return Optional.empty();
    }
    var terms = affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    if (terms == null) {
      return Optional.empty();
    }
    Map<String, String> own =
        template.getMetadata() == null ? Map.of() : template.getMetadata().getLabels();
    return terms.stream()
        .filter(t -> HOSTNAME.equals(t.getTopologyKey()) && t.getLabelSelector() != null)
        .map(t -> t.getLabelSelector())
        .filter(s -> matches(s, own))
        .findFirst();
  }

  private static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (labels == null || selector.getMatchLabels() == null) {
      return false;
    }
    return selector.getMatchLabels().entrySet().stream()
        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static boolean ready(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    return node.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static boolean terminated(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static long allocatable(Node node, String resource) {
    Quantity q =
        node.getStatus().getAllocatable() == null
            ? null
            : node.getStatus().getAllocatable().get(resource);
    return q == null ? 0 : toMilli(q);
  }

  private static long milli(Container c, String resource) {
    if (c.getResources() == null || c.getResources().getRequests() == null) {
      return 0;
    }
    Quantity q = c.getResources().getRequests().get(resource);
    return q == null ? 0 : toMilli(q);
  }

  /** A quantity in milli-units: cpu in milli-cores, memory in milli-bytes. */
  static long toMilli(Quantity q) {
    return q.getNumericalAmount().movePointRight(3).longValue();
  }
}
