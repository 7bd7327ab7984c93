package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.core.predict.ForecastGateSettings;
import dev.ballast.core.predict.HoltWintersParameters;
import dev.ballast.core.predict.PredictionSettings;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code prediction} section of a policy into {@link PredictionSettings}, the same for
 * every document that has one (simulator policies, local cluster files, later the operator's
 * resource): {@code enabled} (true when the section is present), {@code season}, {@code
 * sampleInterval}, {@code defaultJoinTime}, {@code joinTimeQuantile}, {@code joinTimeSamples},
 * {@code minJoinSamples}, {@code errorMargin}, {@code smoothing} ({@code alpha}, {@code beta},
 * {@code gamma}, {@code phi}) and {@code gate} ({@code minAccuracy}, {@code resumeAccuracy}, {@code
 * memory}). Every problem is reported with its field, relative to the section's path; durations are
 * read by the caller, in its document's syntax.
 */
public final class PredictionReader {
  /** The fields of the section. */
  public static final Set<String> FIELDS =
      Set.of(
          "enabled",
          "season",
          "sampleInterval",
          "defaultJoinTime",
          "joinTimeQuantile",
          "joinTimeSamples",
          "minJoinSamples",
          "errorMargin",
          "smoothing",
          "gate");

  private static final Set<String> SMOOTHING = Set.of("alpha", "beta", "gamma", "phi");
  private static final Set<String> GATE = Set.of("minAccuracy", "resumeAccuracy", "memory");

  /** Receives a problem: the field's full path and what is wrong. */
  @FunctionalInterface
  public interface Problems {
    void add(String field, String message);
  }

  /** Reads a duration field in the document's syntax; reports and returns null when invalid. */
  @FunctionalInterface
  public interface DurationField {
    Duration read(String field, JsonNode value);
  }

  private PredictionReader() {}

  /**
   * Reads the section {@code node} at {@code path} (e.g. {@code prediction} or {@code
   * spec.prediction}). Returns the defaults (enabled) when a problem was reported.
   */
  public static PredictionSettings read(
      JsonNode node, String path, DurationField durations, Problems problems) {
    PredictionSettings d = PredictionSettings.defaults(true);
    if (!node.isObject()) {
      problems.add(path, "must be a mapping, e.g. {enabled: true}");
      return d;
    }
    unknown(node, path, FIELDS, problems);
    boolean enabled = true;
    if (node.has("enabled")) {
      if (!node.get("enabled").isBoolean()) {
        problems.add(path + ".enabled", "must be true or false");
      } else {
        enabled = node.get("enabled").asBoolean();
      }
    }
    Duration season = duration(node, path, "season", d.season(), durations);
    Duration sample = duration(node, path, "sampleInterval", d.sampleInterval(), durations);
    Duration joinTime = duration(node, path, "defaultJoinTime", d.defaultJoinTime(), durations);
    Double q = number(node, path, "joinTimeQuantile", d.joinTimeQuantile(), problems);
    Integer samples = integer(node, path, "joinTimeSamples", d.joinTimeSamples(), problems);
    Integer minSamples = integer(node, path, "minJoinSamples", d.minJoinSamples(), problems);
    Double margin = number(node, path, "errorMargin", d.errorMargin(), problems);
    if (margin != null && !(margin >= 0 && margin <= 10)) {
      problems.add(path + ".errorMargin", "must be in 0..10, was " + margin);
      margin = null;
    }
    HoltWintersParameters smoothing = d.smoothing();
    boolean smoothingOk = true;
    if (node.has("smoothing")) {
      JsonNode s = node.get("smoothing");
      String sp = path + ".smoothing";
      if (!s.isObject()) {
        problems.add(sp, "must be a mapping of alpha, beta, gamma and phi");
        return d;
      }
      unknown(s, sp, SMOOTHING, problems);
      Double a = number(s, sp, "alpha", smoothing.alpha(), problems);
      Double b = number(s, sp, "beta", smoothing.beta(), problems);
      Double g = number(s, sp, "gamma", smoothing.gamma(), problems);
      Double f = number(s, sp, "phi", smoothing.phi(), problems);
      if (a != null && b != null && g != null && f != null) {
        try {
          smoothing = new HoltWintersParameters(a, b, g, f);
        } catch (IllegalArgumentException e) {
          problems.add(sp, e.getMessage());
          smoothingOk = false;
        }
      } else {
        smoothingOk = false;
      }
    }
    ForecastGateSettings gate = d.gate();
    if (node.has("gate")) {
      gate = gate(node.get("gate"), path + ".gate", d.gate(), problems);
    }
    if (season == null
        || sample == null
        || joinTime == null
        || q == null
        || samples == null
        || minSamples == null
        || margin == null
        || !smoothingOk
        || gate == null) {
      return d;
    }
    List<String> found =
        PredictionSettings.problems(season, sample, joinTime, q, samples, minSamples);
    for (String s : found) {
      int colon = s.indexOf(':');
      problems.add(path + "." + s.substring(0, colon), s.substring(colon + 2));
    }
    if (!found.isEmpty()) {
      return d;
    }
    return new PredictionSettings(
        enabled, season, sample, smoothing, joinTime, q, samples, minSamples, margin, gate);
  }

  /** The {@code gate} subsection over the defaults {@code d}; null when a problem was reported. */
  private static ForecastGateSettings gate(
      JsonNode g, String path, ForecastGateSettings d, Problems problems) {
    if (!g.isObject()) {
      problems.add(path, "must be a mapping of " + new TreeSet<>(GATE));
      return null;
    }
    unknown(g, path, GATE, problems);
    Double min = number(g, path, "minAccuracy", d.minAccuracy(), problems);
    if (min == null) {
      return null;
    }
    Double resume =
        number(
            g, path, "resumeAccuracy", ForecastGateSettings.defaultResumeAccuracy(min), problems);
    Integer memory = integer(g, path, "memory", d.memory(), problems);
    if (resume == null || memory == null) {
      return null;
    }
    List<String> found = ForecastGateSettings.problems(min, resume, memory);
    for (String s : found) {
      int colon = s.indexOf(':');
      // the core names them gate.minAccuracy...: relative to the prediction section
      problems.add(path + s.substring("gate".length(), colon), s.substring(colon + 2));
    }
    return found.isEmpty() ? new ForecastGateSettings(min, resume, memory) : null;
  }

  private static Duration duration(
      JsonNode n, String path, String key, Duration dflt, DurationField durations) {
    return n.has(key) ? durations.read(path + "." + key, n.get(key)) : dflt;
  }

  private static Double number(
      JsonNode n, String path, String key, double dflt, Problems problems) {
    if (!n.has(key)) {
      return dflt;
    }
    JsonNode v = n.get(key);
    if (!v.isNumber()) {
      problems.add(path + "." + key, "must be a number");
      return null;
    }
    return v.asDouble();
  }

  private static Integer integer(JsonNode n, String path, String key, int dflt, Problems problems) {
    if (!n.has(key)) {
      return dflt;
    }
    JsonNode v = n.get(key);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      problems.add(path + "." + key, "must be an integer >= 1");
      return null;
    }
    if (v.asInt() < 1) {
      problems.add(path + "." + key, "must be an integer >= 1, was " + v.asInt());
      return null;
    }
    return v.asInt();
  }

  private static void unknown(JsonNode n, String path, Set<String> known, Problems problems) {
    if (!n.isObject()) {
      return;
    }
    for (var it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        problems.add(path + "." + k, "unknown field; expected one of " + new TreeSet<>(known));
      }
    }
  }
}
