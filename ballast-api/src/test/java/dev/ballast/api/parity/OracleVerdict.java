package dev.ballast.api.parity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.core.decide.model.Condition;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.MetricResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Kubernetes' HorizontalController decided for one snapshot (one line of {@code hpa-oracle},
 * or a kept {@code *.expected.json}), and how a Ballast {@link Decision} differs from it: the
 * desired replicas, each metric's proposal, and each condition's status and reason.
 */
record OracleVerdict(int desiredReplicas, List<Integer> proposals, Map<String, String> conditions) {

  static OracleVerdict of(JsonNode line) {
    if (line.hasNonNull("inputError")) {
      throw new IllegalStateException("the oracle could not run the snapshot: " + line);
    }
    List<Integer> proposals = new ArrayList<>();
    for (JsonNode m : line.path("metrics")) {
      proposals.add(m.hasNonNull("proposedReplicas") ? m.get("proposedReplicas").asInt() : null);
    }
    Map<String, String> conditions = new TreeMap<>();
    for (JsonNode c : line.path("conditions")) {
      conditions.put(
          c.get("type").asText(), c.get("status").asText() + "/" + c.get("reason").asText());
    }
    return new OracleVerdict(line.get("desiredReplicas").asInt(), proposals, conditions);
  }

  /** Every way {@code ballast} differs from this verdict; empty when they agree. */
  List<String> differences(Decision ballast) {
    List<String> out = new ArrayList<>();
    if (ballast.desiredReplicas() != desiredReplicas) {
      out.add(
          "desiredReplicas: kubernetes "
              + desiredReplicas
              + ", ballast "
              + ballast.desiredReplicas());
    }
    Map<String, String> ours = new TreeMap<>();
    for (Condition c : ballast.conditions()) {
      ours.put(c.type(), c.statusString() + "/" + c.reason());
    }
    if (!ours.equals(conditions)) {
      out.add("conditions: kubernetes " + conditions + ", ballast " + ours);
    }
    // Ballast lists metrics only when the controller computed them (not at 0 replicas, outside
    // min/max or with a bad selector); the oracle asks each metric on its own regardless.
    List<MetricResult> metrics = ballast.metrics();
    if (!metrics.isEmpty()) {
      if (metrics.size() != proposals.size()) {
        out.add("metrics: kubernetes " + proposals.size() + ", ballast " + metrics.size());
      } else {
        for (int i = 0; i < metrics.size(); i++) {
          Integer k8s = proposals.get(i);
          Integer ours2 = metrics.get(i).proposedReplicas();
          if (k8s == null ? ours2 != null : !k8s.equals(ours2)) {
            out.add(
                "metrics["
                    + i
                    + "] ("
                    + metrics.get(i).spec().type()
                    + " "
                    + metrics.get(i).spec().name()
                    + ") proposal: kubernetes "
                    + k8s
                    + ", ballast "
                    + ours2
                    + (ours2 == null ? " (" + metrics.get(i).error() + ")" : ""));
          }
        }
      }
    }
    return out;
  }
}
