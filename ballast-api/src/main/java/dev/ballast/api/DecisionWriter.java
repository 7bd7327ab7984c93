package dev.ballast.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.decide.model.Condition;
import dev.ballast.core.decide.model.Decision;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.MetricResult;
import dev.ballast.core.decide.model.MetricValue;
import dev.ballast.core.decide.model.Recommendation;
import dev.ballast.core.decide.model.RuleApplication;
import dev.ballast.core.decide.model.ScaleEvent;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes a {@link Decision} as the {@code recommend -o json} document of the snapshot design:
 * replicas, per-metric results shaped like the HPA's {@code status.currentMetrics}, conditions,
 * rules and the history after the decision.
 */
public final class DecisionWriter {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The decision as a JSON tree. */
  public ObjectNode toTree(Decision d) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("currentReplicas", d.currentReplicas());
    root.put("desiredReplicas", d.desiredReplicas());
    ArrayNode metrics = root.putArray("metrics");
    for (MetricResult m : d.metrics()) {
      ObjectNode o = metrics.addObject();
      o.put("type", m.spec().type());
      o.put("name", m.spec().name());
      if (m.proposedReplicas() == null) {
        o.putNull("proposedReplicas");
      } else {
        o.put("proposedReplicas", m.proposedReplicas());
      }
      ObjectNode current = o.putObject("current");
      MetricValue v = m.current();
      if (v != null) {
        if (v.averageUtilization() != null) {
          current.put("averageUtilization", v.averageUtilization());
        }
        if (v.averageValueMilli() != null) {
          current.put("averageValue", Quantities.formatMilli(v.averageValueMilli()));
        }
        if (v.valueMilli() != null) {
          current.put("value", Quantities.formatMilli(v.valueMilli()));
        }
      }
      ObjectNode pods = o.putObject("pods");
      pods.put("ready", m.pods().ready());
      pods.put("unready", m.pods().unready());
      pods.put("missing", m.pods().missing());
      pods.put("ignored", m.pods().ignored());
      if (m.error() == null) {
        o.putNull("error");
      } else {
        o.put("error", m.error());
      }
    }
    ArrayNode rules = root.putArray("rules");
    for (RuleApplication r : d.rules()) {
      ObjectNode o = rules.addObject();
      o.put("rule", r.rule());
      o.put("before", r.before());
      o.put("after", r.after());
      o.put("reason", r.reason());
    }
    ArrayNode conditions = root.putArray("conditions");
    for (Condition c : d.conditions()) {
      ObjectNode o = conditions.addObject();
      o.put("type", c.type());
      o.put("status", c.statusString());
      o.put("reason", c.reason());
      o.put("message", c.message());
      if (c.lastTransitionTime() != null) {
        o.put("lastTransitionTime", Times.format(c.lastTransitionTime()));
      }
    }
    root.set("history", history(d.history()));
    return root;
  }

  private static ObjectNode history(History h) {
    ObjectNode o = MAPPER.createObjectNode();
    ArrayNode recs = o.putArray("recommendations");
    if (h.recommendations() != null) {
      for (Recommendation r : h.recommendations()) {
        ObjectNode e = recs.addObject();
        e.put("timestamp", Times.format(r.timestamp()));
        e.put("replicas", r.replicas());
      }
    }
    events(o.putArray("scaleUpEvents"), h.scaleUpEvents());
    events(o.putArray("scaleDownEvents"), h.scaleDownEvents());
    return o;
  }

  private static void events(ArrayNode out, List<ScaleEvent> events) {
    for (ScaleEvent e : events) {
      ObjectNode o = out.addObject();
      o.put("timestamp", Times.format(e.timestamp()));
      o.put("replicaChange", e.replicaChange());
    }
  }

  /** Pretty-printed JSON. */
  public String toJson(Decision d) {
    return write(toTree(d), true);
  }

  /** One line of JSON (for directory mode). */
  public String toJsonLine(ObjectNode node) {
    return write(node, false);
  }

  private static String write(ObjectNode node, boolean pretty) {
    try {
      return pretty
          ? MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node)
          : MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
