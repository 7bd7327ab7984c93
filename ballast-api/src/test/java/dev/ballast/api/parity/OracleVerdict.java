package dev.ballast.api.parity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.api.Quantities;
import dev.ballast.core.decide.model.Condition;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.MetricResult;
import dev.ballast.core.decide.model.MetricValue;
import dev.ballast.core.decide.model.Recommendation;
import dev.ballast.core.decide.model.ScaleEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What Kubernetes' HorizontalController decided for one snapshot (one line of {@code hpa-oracle},
 * or a kept {@code *.expected.json}), and how a Ballast {@link Decision} differs from it: the
 * desired replicas, each metric's proposal and current value, each condition's status and reason,
 * and the controller's memory after the reconcile (recommendations and scale events).
 */
record OracleVerdict(
    int desiredReplicas,
    List<Integer> proposals,
    Map<String, String> conditions,
    List<JsonNode> currentMetrics,
    JsonNode memory) {

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
    List<JsonNode> current = new ArrayList<>();
    line.path("currentMetrics").forEach(current::add);
    return new OracleVerdict(
        line.get("desiredReplicas").asInt(), proposals, conditions, current, line.get("history"));
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
          if (ours2 != null && i < currentMetrics.size()) {
            currentDifference(i, metrics.get(i), currentMetrics.get(i)).ifPresent(out::add);
          }
        }
      }
    }
    if (memory != null && !memory.isNull()) {
      String theirs = memoryText(memory);
      String mine = memoryText(ballast.history());
      if (!theirs.equals(mine)) {
        out.add("memory after: kubernetes " + theirs + ", ballast " + mine);
      }
    }
    return out;
  }

  private static String memoryText(JsonNode memory) {
    StringBuilder sb = new StringBuilder("recommendations [");
    memory
        .path("recommendations")
        .forEach(
            r ->
                sb.append(r.get("timestamp").asText())
                    .append("=")
                    .append(r.get("replicas").asInt())
                    .append(" "));
    for (String kind : new String[] {"scaleUpEvents", "scaleDownEvents"}) {
      sb.append("] ").append(kind).append(" [");
      memory
          .path(kind)
          .forEach(
              e ->
                  sb.append(e.get("timestamp").asText())
                      .append("=")
                      .append(e.get("replicaChange").asInt())
                      .append(" "));
    }
    return sb.append("]").toString();
  }

  private static String memoryText(History memory) {
    StringBuilder sb = new StringBuilder("recommendations [");
    if (memory.recommendations() != null) {
      for (Recommendation r : memory.recommendations()) {
        sb.append(r.timestamp()).append("=").append(r.replicas()).append(" ");
      }
    }
    sb.append("] scaleUpEvents [");
    for (ScaleEvent e : memory.scaleUpEvents()) {
      sb.append(e.timestamp()).append("=").append(e.replicaChange()).append(" ");
    }
    sb.append("] scaleDownEvents [");
    for (ScaleEvent e : memory.scaleDownEvents()) {
      sb.append(e.timestamp()).append("=").append(e.replicaChange()).append(" ");
    }
    return sb.append("]").toString();
  }

  /**
   * How metric {@code i}'s current value (as the HPA publishes it in {@code
   * status.currentMetrics[i].current}) differs, compared in milli-units.
   */
  private static Optional<String> currentDifference(int i, MetricResult ours, JsonNode status) {
    String type = status.path("type").asText();
    if (type.isEmpty()) {
      return Optional.empty(); // the controller published nothing for this metric
    }
    String key = Character.toLowerCase(type.charAt(0)) + type.substring(1);
    JsonNode current = status.path(key).path("current");
    MetricValue value = ours.current() == null ? new MetricValue(null, null, null) : ours.current();
    Map<String, String> k8s = new TreeMap<>();
    Map<String, String> mine = new TreeMap<>();
    put(k8s, "value", milli(current.get("value")));
    put(k8s, "averageValue", milli(current.get("averageValue")));
    put(
        k8s,
        "averageUtilization",
        current.hasNonNull("averageUtilization")
            ? current.get("averageUtilization").asInt()
            : null);
    put(mine, "value", value.valueMilli());
    put(mine, "averageValue", value.averageValueMilli());
    put(mine, "averageUtilization", value.averageUtilization());
    if (k8s.equals(mine)) {
      return Optional.empty();
    }
    return Optional.of(
        "metrics[" + i + "] (" + type + ") current: kubernetes " + k8s + ", ballast " + mine);
  }

  /** A quantity in milli-units, exactly (Kubernetes may publish values beyond a long). */
  private static BigDecimal milli(JsonNode quantity) {
    return quantity == null || quantity.isNull()
        ? null
        : Quantities.parse(quantity.asText(), "currentMetrics").movePointRight(3);
  }

  private static void put(Map<String, String> map, String key, Number milli) {
    if (milli != null) {
      map.put(key, new BigDecimal(milli.toString()).stripTrailingZeros().toPlainString() + "m");
    }
  }
}
