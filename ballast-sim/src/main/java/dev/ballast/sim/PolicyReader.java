package dev.ballast.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.api.InputDocuments;
import dev.ballast.api.InvalidDocumentException;
import dev.ballast.api.PredictionReader;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.ControllerSettings;
import dev.ballast.core.decide.model.ScalingPolicy;
import dev.ballast.core.decide.model.ScalingRules;
import dev.ballast.core.policy.PolicyValidationException;
import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.core.predict.PredictionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads simulator policy files ({@code examples/policies/*.yaml}) and workload model files. Every
 * problem is reported at once with its field path, e.g. {@code policy.yaml:
 * target.averageUtilization: must be an integer in 1..100}. The format is described in {@code
 * examples/policies/README.md}.
 */
public final class PolicyReader {
  private static final Set<String> POLICY_KEYS =
      Set.of(
          "name",
          "minReplicas",
          "maxReplicas",
          "allowedReplicas",
          "shrink",
          "quorumGuard",
          "target",
          "tolerance",
          "behavior",
          "prediction",
          "workload");
  private static final Set<String> MODEL_KEYS =
      Set.of(
          "capacityPerMember",
          "membersAtPeak",
          "joinTime",
          "drainTime",
          "scrapeInterval",
          "metricWindow",
          "syncPeriod",
          "fillTime");

  private PolicyReader() {}

  /** Reads a policy file. */
  public static SimPolicy readPolicy(Path file) {
    String fallbackName = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    return parsePolicy(file.toString(), fallbackName, readTree(file));
  }

  /** Reads a workload model file (the keys of a policy's {@code workload} section). */
  public static WorkloadModel readModel(Path file) {
    return parseModel(file.toString(), readTree(file));
  }

  /** Parses a workload model document; {@code source} names it in messages. */
  public static WorkloadModel parseModel(String source, String yaml) {
    return parseModel(source, parse(source, yaml));
  }

  private static WorkloadModel parseModel(String source, JsonNode root) {
    Problems p = new Problems(source);
    WorkloadModel m = parseModel(p, "", root);
    p.throwIfAny();
    return m;
  }

  /** Parses a policy document; {@code source} names it in messages. */
  public static SimPolicy parsePolicy(String source, String fallbackName, String yaml) {
    return parsePolicy(source, fallbackName, parse(source, yaml));
  }

  private static JsonNode parse(String source, String yaml) {
    try {
      return InputDocuments.parse(yaml, InputDocuments.Syntax.YAML, source);
    } catch (InvalidDocumentException e) {
      throw new InputException(e.getMessage());
    }
  }

  private static JsonNode readTree(Path file) {
    try {
      return InputDocuments.read(
          file, InputDocuments.Syntax.YAML, InputDocuments.MAX_CONFIG_BYTES, file.toString());
    } catch (InvalidDocumentException e) {
      throw new InputException(e.getMessage());
    }
  }

  private static SimPolicy parsePolicy(String source, String fallbackName, JsonNode root) {
    Problems p = new Problems(source);
    if (root == null || !root.isObject()) {
      p.add("", "must be a YAML mapping with at least maxReplicas and target");
      p.throwIfAny();
    }
    unknownKeys(p, "", root, POLICY_KEYS);
    String name = root.has("name") ? text(p, "name", root.get("name")) : fallbackName;
    if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      p.add("name", "must be 1-63 letters, digits, '.', '_' or '-', was '" + name + "'");
    }
    if (name != null && (name.equals("hpa") || name.equals("fixed"))) {
      p.add("name", "'" + name + "' is reserved for a baseline; choose another name");
    }
    Integer min =
        root.has("minReplicas") ? integer(p, "minReplicas", root.get("minReplicas"), 0) : null;
    Integer max = null;
    if (!root.has("maxReplicas")) {
      p.add("maxReplicas", "is required (the largest size the autoscaler may choose)");
    } else {
      max = integer(p, "maxReplicas", root.get("maxReplicas"), 1);
    }
    List<Integer> allowed = new ArrayList<>();
    if (root.has("allowedReplicas")) {
      JsonNode a = root.get("allowedReplicas");
      if (!a.isArray()) {
        p.add("allowedReplicas", "must be a list of sizes, e.g. [3, 5, 7]");
      } else {
        for (int i = 0; i < a.size(); i++) {
          Integer v = integer(p, "allowedReplicas[" + i + "]", a.get(i), 1);
          if (v != null) {
            allowed.add(v);
          }
        }
      }
    }
    ShrinkPolicy shrink = null;
    if (root.has("shrink")) {
      String s = text(p, "shrink", root.get("shrink"));
      if (s != null) {
        switch (s) {
          case "Allowed" -> shrink = ShrinkPolicy.ALLOWED;
          case "Disabled" -> shrink = ShrinkPolicy.DISABLED;
          default -> p.add("shrink", "must be Allowed or Disabled, was '" + s + "'");
        }
      }
    }
    QuorumGuard guard = QuorumGuard.NONE;
    if (root.has("quorumGuard")) {
      String s = text(p, "quorumGuard", root.get("quorumGuard"));
      if (s != null) {
        switch (s) {
          case "Majority" -> guard = QuorumGuard.MAJORITY;
          case "None" -> guard = QuorumGuard.NONE;
          default -> p.add("quorumGuard", "must be Majority or None, was '" + s + "'");
        }
      }
    }
    Target target = null;
    if (!root.has("target")) {
      p.add("target", "is required, e.g. {metric: cpu, averageUtilization: 70}");
    } else {
      target = parseTarget(p, root.get("target"));
    }
    ControllerSettings controller = ControllerSettings.DEFAULTS;
    if (root.has("tolerance")) {
      Double tol = number(p, "tolerance", root.get("tolerance"));
      if (tol != null && (tol < 0 || tol >= 1)) {
        p.add("tolerance", "must be in 0..1 (0.1 = ±10 %), was " + tol);
      } else if (tol != null) {
        controller = controller.withTolerance(tol);
      }
    }
    Behavior behavior = null;
    if (root.has("behavior")) {
      behavior = parseBehavior(p, root.get("behavior"));
    }
    PredictionSettings prediction = PredictionSettings.disabled();
    if (root.has("prediction")) {
      prediction = parsePrediction(p, root.get("prediction"));
    }
    WorkloadModel workload = null;
    if (root.has("workload")) {
      workload = parseModel(p, "workload.", root.get("workload"));
    }
    p.throwIfAny();

    dev.ballast.core.policy.ScalingPolicy scaling;
    try {
      scaling =
          dev.ballast.core.policy.ScalingPolicy.builder()
              .minReplicas(min)
              .maxReplicas(max)
              .allowedReplicas(allowed)
              .shrink(shrink)
              .quorumGuard(guard)
              .build();
    } catch (PolicyValidationException e) {
      for (String s : e.problems()) {
        p.add("", s);
      }
      p.throwIfAny();
      throw e;
    }
    return new SimPolicy(name, scaling, target, behavior, controller, prediction, workload);
  }

  private static Target parseTarget(Problems p, JsonNode t) {
    if (!t.isObject()) {
      p.add("target", "must be a mapping, e.g. {metric: cpu, averageUtilization: 70}");
      return null;
    }
    unknownKeys(p, "target.", t, Set.of("metric", "averageUtilization", "averageValue"));
    String metric = t.has("metric") ? text(p, "target.metric", t.get("metric")) : "cpu";
    boolean util = t.has("averageUtilization");
    boolean value = t.has("averageValue");
    if (util == value) {
      p.add("target", "give exactly one of averageUtilization (percent) or averageValue");
      return null;
    }
    if (metric == null) {
      return null;
    }
    if (util) {
      Integer u = integer(p, "target.averageUtilization", t.get("averageUtilization"), 1);
      if (u != null && u > 100) {
        p.add("target.averageUtilization", "must be a percent in 1..100, was " + u);
        return null;
      }
      if (!metric.equals("cpu") && !metric.equals("memory")) {
        p.add(
            "target.metric",
            "averageUtilization needs a resource (cpu or memory), was '"
                + metric
                + "'; use averageValue for another metric");
        return null;
      }
      return u == null ? null : Target.utilization(metric, u);
    }
    Double v = number(p, "target.averageValue", t.get("averageValue"));
    if (v != null && !(v > 0)) {
      p.add("target.averageValue", "must be > 0, was " + v);
      return null;
    }
    return v == null ? null : Target.averageValue(metric, v);
  }

  private static Behavior parseBehavior(Problems p, JsonNode b) {
    if (!b.isObject()) {
      p.add("behavior", "must be a mapping with scaleUp and/or scaleDown (autoscaling/v2)");
      return null;
    }
    unknownKeys(p, "behavior.", b, Set.of("scaleUp", "scaleDown"));
    ScalingRules up = b.has("scaleUp") ? parseRules(p, "behavior.scaleUp", b.get("scaleUp")) : null;
    ScalingRules down =
        b.has("scaleDown") ? parseRules(p, "behavior.scaleDown", b.get("scaleDown")) : null;
    try {
      return Behavior.of(up, down);
    } catch (IllegalArgumentException e) {
      p.add("behavior", e.getMessage());
      return null;
    }
  }

  private static ScalingRules parseRules(Problems p, String path, JsonNode r) {
    if (!r.isObject()) {
      p.add(path, "must be a mapping");
      return null;
    }
    unknownKeys(
        p,
        path + ".",
        r,
        Set.of("stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"));
    Integer window = null;
    if (r.has("stabilizationWindowSeconds")) {
      window =
          integer(p, path + ".stabilizationWindowSeconds", r.get("stabilizationWindowSeconds"), 0);
      if (window != null && window > 3600) {
        p.add(path + ".stabilizationWindowSeconds", "must be in 0..3600, was " + window);
        window = null;
      }
    }
    ScalingRules.SelectPolicy select = null;
    if (r.has("selectPolicy")) {
      String s = text(p, path + ".selectPolicy", r.get("selectPolicy"));
      for (ScalingRules.SelectPolicy v : ScalingRules.SelectPolicy.values()) {
        if (v.apiName().equals(s)) {
          select = v;
        }
      }
      if (s != null && select == null) {
        p.add(path + ".selectPolicy", "must be Max, Min or Disabled, was '" + s + "'");
      }
    }
    List<ScalingPolicy> policies = null;
    if (r.has("policies")) {
      JsonNode ps = r.get("policies");
      if (!ps.isArray() || ps.isEmpty()) {
        p.add(path + ".policies", "must be a non-empty list of {type, value, periodSeconds}");
      } else {
        policies = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
          String pp = path + ".policies[" + i + "]";
          JsonNode x = ps.get(i);
          unknownKeys(p, pp + ".", x, Set.of("type", "value", "periodSeconds"));
          String type = text(p, pp + ".type", x.path("type"));
          Integer value = integer(p, pp + ".value", x.path("value"), 1);
          Integer period = integer(p, pp + ".periodSeconds", x.path("periodSeconds"), 1);
          if (period != null && period > 1800) {
            p.add(pp + ".periodSeconds", "must be in 1..1800, was " + period);
            continue;
          }
          if (type == null || value == null || period == null) {
            continue;
          }
          switch (type) {
            case "Pods" -> policies.add(ScalingPolicy.pods(value, period));
            case "Percent" -> policies.add(ScalingPolicy.percent(value, period));
            default -> p.add(pp + ".type", "must be Pods or Percent, was '" + type + "'");
          }
        }
      }
    }
    Double tol = null;
    if (r.has("tolerance")) {
      tol = number(p, path + ".tolerance", r.get("tolerance"));
      if (tol != null && tol < 0) {
        p.add(path + ".tolerance", "must be >= 0, was " + tol);
        tol = null;
      }
    }
    return new ScalingRules(
        window, select, policies == null || policies.isEmpty() ? null : policies, tol);
  }

  private static PredictionSettings parsePrediction(Problems p, JsonNode n) {
    return PredictionReader.read(n, "prediction", (path, v) -> durationValue(p, path, v), p::add);
  }

  private static WorkloadModel parseModel(Problems p, String prefix, JsonNode n) {
    WorkloadModel d = WorkloadModel.defaults();
    if (n == null || !n.isObject()) {
      p.add(
          prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1),
          "must be a mapping of model parameters");
      return d;
    }
    unknownKeys(p, prefix, n, MODEL_KEYS);
    Double capacity = null;
    if (n.has("capacityPerMember")) {
      capacity = number(p, prefix + "capacityPerMember", n.get("capacityPerMember"));
      if (capacity != null && !(capacity > 0)) {
        p.add(prefix + "capacityPerMember", "must be > 0 (demand one member carries at 100 %)");
        capacity = null;
      }
    }
    Integer atPeak =
        n.has("membersAtPeak")
            ? integer(p, prefix + "membersAtPeak", n.get("membersAtPeak"), 1)
            : Integer.valueOf(d.membersAtPeak());
    if (n.has("capacityPerMember") && n.has("membersAtPeak")) {
      p.add(prefix + "membersAtPeak", "give either capacityPerMember or membersAtPeak, not both");
    }
    Duration join = duration(p, prefix + "joinTime", n, d.joinTime());
    Duration drain = duration(p, prefix + "drainTime", n, d.drainTime());
    Duration scrape = duration(p, prefix + "scrapeInterval", n, d.scrapeInterval());
    Duration window = duration(p, prefix + "metricWindow", n, d.metricWindow());
    Duration sync = duration(p, prefix + "syncPeriod", n, d.syncPeriod());
    Duration fill = duration(p, prefix + "fillTime", n, d.fillTime());
    if (atPeak == null
        || fill == null
        || join == null
        || drain == null
        || scrape == null
        || window == null
        || sync == null) {
      return d;
    }
    try {
      return new WorkloadModel(capacity, atPeak, join, drain, scrape, window, sync, fill);
    } catch (IllegalArgumentException e) {
      for (String s : e.getMessage().split("; ")) {
        p.add(prefix + s.substring(0, s.indexOf(':')), s.substring(s.indexOf(':') + 2));
      }
      return d;
    }
  }

  private static Duration duration(Problems p, String path, JsonNode parent, Duration dflt) {
    String key = path.substring(path.lastIndexOf('.') + 1);
    if (!parent.has(key)) {
      return dflt;
    }
    return durationValue(p, path, parent.get(key));
  }

  private static Duration durationValue(Problems p, String path, JsonNode v) {
    if (v.isTextual() || v.isIntegralNumber()) {
      var d = DurationText.parse(v.asText());
      if (d.isPresent()) {
        return d.get();
      }
    }
    p.add(path, "must be a duration such as 15s, 2m, 1h30m or 24h, was '" + v.asText() + "'");
    return null;
  }

  private static void unknownKeys(Problems p, String prefix, JsonNode n, Set<String> known) {
    if (n == null || !n.isObject()) {
      return;
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        p.add(prefix + k, "unknown field; expected one of " + new java.util.TreeSet<>(known));
      }
    }
  }

  private static String text(Problems p, String path, JsonNode v) {
    if (v == null || !v.isTextual()) {
      p.add(path, "must be a string");
      return null;
    }
    return v.asText();
  }

  private static Integer integer(Problems p, String path, JsonNode v, int min) {
    if (v == null || v.isMissingNode() || !v.isIntegralNumber() || !v.canConvertToInt()) {
      p.add(path, "must be an integer >= " + min);
      return null;
    }
    if (v.asInt() < min) {
      p.add(path, "must be an integer >= " + min + ", was " + v.asInt());
      return null;
    }
    return v.asInt();
  }

  private static Double number(Problems p, String path, JsonNode v) {
    if (v == null || !v.isNumber()) {
      p.add(path, "must be a number");
      return null;
    }
    return v.asDouble();
  }

  /** Collects problems with their field paths. */
  private static final class Problems {
    private final String source;
    private final List<String> list = new ArrayList<>();

    Problems(String source) {
      this.source = source;
    }

    void add(String path, String message) {
      // Paths hold the file's keys: a problem stays one readable line whatever they are.
      list.add(
          source
              + ": "
              + (path.isEmpty() ? "" : InputDocuments.shown(path) + ": ")
              + message.replaceAll("\\R", "\\\\n"));
    }

    void throwIfAny() {
      if (!list.isEmpty()) {
        throw new InputException(list);
      }
    }
  }
}
