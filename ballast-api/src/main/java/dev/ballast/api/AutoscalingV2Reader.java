package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.LabelSelector;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.ObjectReference;
import dev.ballast.core.decide.model.ScalingPolicy;
import dev.ballast.core.decide.model.ScalingRules;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the autoscaling/v2 {@code metrics} list and {@code behavior} object into the engine's
 * records, validating as the Kubernetes API server does and naming the field of any problem. Used
 * by the snapshot reader, the local cluster file and the simulator's policy files.
 */
public final class AutoscalingV2Reader {

  /** The {@code metrics} and {@code behavior} of one spec; behavior is null when absent. */
  public record MetricsAndBehavior(List<MetricSpec> metrics, Behavior behavior) {}

  private AutoscalingV2Reader() {}

  /**
   * Reads {@code metrics} and {@code behavior} from the object {@code spec} whose path is {@code
   * path} (e.g. {@code cluster.autoscaling}); an absent metrics list gives an empty list.
   */
  public static MetricsAndBehavior read(JsonNode spec, String path) {
    Field f = Field.of(spec, path);
    return new MetricsAndBehavior(readMetrics(f.get("metrics")), readBehavior(f.get("behavior")));
  }

  /** Reads a {@code metrics} list (empty when missing). */
  public static List<MetricSpec> readMetrics(Field metrics) {
    List<MetricSpec> out = new ArrayList<>();
    for (Field m : metrics.list()) {
      out.add(readMetric(m.requireObject()));
    }
    return out;
  }

  /** Reads a {@code behavior} object with Kubernetes' defaults; null when missing. */
  public static Behavior readBehavior(Field behavior) {
    if (behavior.isMissing()) {
      return null;
    }
    behavior.requireObject();
    return Behavior.of(readRules(behavior.get("scaleUp")), readRules(behavior.get("scaleDown")));
  }

  private static MetricSpec readMetric(Field m) {
    String type = m.get("type").requireText();
    switch (type) {
      case "Resource" -> {
        Field r = m.get("resource").requireObject();
        String name = r.get("name").requireText();
        MetricTarget t = readTarget(r.get("target"), true, false);
        return new MetricSpec.Resource(name, t);
      }
      case "ContainerResource" -> {
        Field r = m.get("containerResource").requireObject();
        String name = r.get("name").requireText();
        String container = r.get("container").requireText();
        MetricTarget t = readTarget(r.get("target"), true, false);
        return new MetricSpec.ContainerResource(name, container, t);
      }
      case "Pods" -> {
        Field p = m.get("pods").requireObject();
        Field metric = p.get("metric").requireObject();
        MetricTarget t = readTarget(p.get("target"), false, false);
        return new MetricSpec.Pods(
            metric.get("name").requireText(), readSelector(metric.get("selector")), t);
      }
      case "Object" -> {
        Field o = m.get("object").requireObject();
        Field ref = o.get("describedObject").requireObject();
        Field metric = o.get("metric").requireObject();
        MetricTarget t = readTarget(o.get("target"), false, true);
        return new MetricSpec.Object(
            new ObjectReference(
                ref.get("apiVersion").textOr(""),
                ref.get("kind").requireText(),
                ref.get("name").requireText()),
            metric.get("name").requireText(),
            readSelector(metric.get("selector")),
            t);
      }
      case "External" -> {
        Field e = m.get("external").requireObject();
        Field metric = e.get("metric").requireObject();
        MetricTarget t = readTarget(e.get("target"), false, true);
        return new MetricSpec.External(
            metric.get("name").requireText(), readSelector(metric.get("selector")), t);
      }
      default ->
          throw m.get("type")
              .invalid(
                  "unknown metric type \""
                      + type
                      + "\" (expected Resource, ContainerResource, Pods, Object or External)");
    }
  }

  /**
   * A metric target: Resource takes Utilization or AverageValue, Pods AverageValue, Object and
   * External Value or AverageValue.
   */
  private static MetricTarget readTarget(Field target, boolean resource, boolean allowValue) {
    target.requireObject();
    String type = target.get("type").requireText();
    switch (type) {
      case "Utilization" -> {
        if (!resource) {
          throw target.get("type").invalid("Utilization applies to Resource metrics only");
        }
        Field u = target.get("averageUtilization");
        if (u.isMissing()) {
          throw target.invalid("averageUtilization must be a positive integer");
        }
        Integer v;
        try {
          v = u.integer(1, "a positive integer");
        } catch (InvalidDocumentException e) {
          throw target.invalid("averageUtilization must be a positive integer");
        }
        return MetricTarget.utilization(v);
      }
      case "AverageValue" -> {
        long v = target.get("averageValue").requireQuantityMilli();
        if (v <= 0) {
          throw target.invalid("averageValue must be positive");
        }
        return MetricTarget.averageValueMilli(v);
      }
      case "Value" -> {
        if (!allowValue) {
          throw target
              .get("type")
              .invalid(
                  resource
                      ? "a Resource metric takes Utilization or AverageValue"
                      : "a Pods metric takes AverageValue");
        }
        long v = target.get("value").requireQuantityMilli();
        if (v <= 0) {
          throw target.invalid("value must be positive");
        }
        return MetricTarget.valueMilli(v);
      }
      default ->
          throw target
              .get("type")
              .invalid(
                  "unknown target type \""
                      + type
                      + "\" (expected Utilization, AverageValue or Value)");
    }
  }

  /** A label selector; the empty selector when missing. */
  public static LabelSelector readSelector(Field selector) {
    if (selector.isMissing()) {
      return LabelSelector.EVERYTHING;
    }
    selector.requireObject();
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    for (Field e : selector.get("matchExpressions").list()) {
      e.requireObject();
      String op = e.get("operator").requireText();
      LabelSelector.Operator operator =
          switch (op) {
            case "In" -> LabelSelector.Operator.IN;
            case "NotIn" -> LabelSelector.Operator.NOT_IN;
            case "Exists" -> LabelSelector.Operator.EXISTS;
            case "DoesNotExist" -> LabelSelector.Operator.DOES_NOT_EXIST;
            default ->
                throw e.get("operator")
                    .invalid(
                        "unknown operator \""
                            + op
                            + "\" (expected In, NotIn, Exists, DoesNotExist)");
          };
      List<String> values = new ArrayList<>();
      for (Field v : e.get("values").list()) {
        values.add(v.requireText());
      }
      reqs.add(new LabelSelector.Requirement(e.get("key").requireText(), operator, values));
    }
    return new LabelSelector(selector.get("matchLabels").stringMap(), reqs);
  }

  private static ScalingRules readRules(Field rules) {
    if (rules.isMissing()) {
      return null;
    }
    rules.requireObject();
    Integer window =
        rules.get("stabilizationWindowSeconds").integer(0, "a whole number of seconds in 0..3600");
    if (window != null && window > 3600) {
      throw rules.get("stabilizationWindowSeconds").invalid("must be at most 3600 seconds");
    }
    ScalingRules.SelectPolicy select = null;
    String sp = rules.get("selectPolicy").text();
    if (sp != null) {
      select =
          switch (sp) {
            case "Max" -> ScalingRules.SelectPolicy.MAX;
            case "Min" -> ScalingRules.SelectPolicy.MIN;
            case "Disabled" -> ScalingRules.SelectPolicy.DISABLED;
            default ->
                throw rules
                    .get("selectPolicy")
                    .invalid("unknown selectPolicy \"" + sp + "\" (expected Max, Min or Disabled)");
          };
    }
    List<ScalingPolicy> policies = null;
    Field pf = rules.get("policies");
    if (!pf.isMissing()) {
      policies = new ArrayList<>();
      for (Field p : pf.list()) {
        p.requireObject();
        String type = p.get("type").requireText();
        ScalingPolicy.Type t =
            switch (type) {
              case "Pods" -> ScalingPolicy.Type.PODS;
              case "Percent" -> ScalingPolicy.Type.PERCENT;
              default ->
                  throw p.get("type")
                      .invalid("unknown policy type \"" + type + "\" (expected Pods or Percent)");
            };
        int value = p.get("value").requireInteger(1, "a whole number greater than zero");
        int period =
            p.get("periodSeconds").requireInteger(1, "a whole number of seconds in 1..1800");
        if (period > 1800) {
          throw p.get("periodSeconds").invalid("must be at most 1800 seconds");
        }
        policies.add(new ScalingPolicy(t, value, period));
      }
      if (policies.isEmpty()) {
        throw pf.invalid("must list at least one policy");
      }
    }
    Double tolerance = rules.get("tolerance").quantityDouble();
    if (tolerance != null && tolerance < 0) {
      throw rules.get("tolerance").invalid("must be a quantity >= 0, e.g. \"0.05\"");
    }
    return new ScalingRules(window, select, policies, tolerance);
  }
}
