package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.core.vertical.VerticalSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The {@code verticalAdvice} settings, the same for every place that has them (the operator's
 * {@code spec.verticalAdvice}, a local cluster file's {@code spec.verticalAdvice}, the flags of
 * {@code recommend --vertical}): {@code enabled}, {@code targetPercentile}, {@code
 * lowerPercentile}, {@code upperPercentile}, {@code safetyMargin}, {@code minCpu}, {@code
 * minMemory} and {@code halfLife}, a field left out taking {@link VerticalSettings#defaults()}'s
 * value. {@link #settings} holds the rules; {@link #read} reads the section of a JSON/YAML
 * document.
 */
public final class VerticalAdviceReader {
  /** The fields of the section. */
  public static final Set<String> FIELDS =
      Set.of(
          "enabled",
          "targetPercentile",
          "lowerPercentile",
          "upperPercentile",
          "safetyMargin",
          "minCpu",
          "minMemory",
          "halfLife");

  /**
   * The section's values as given, null where left out; {@code minCpu} in cores, {@code minMemory}
   * in bytes.
   */
  public record Values(
      Boolean enabled,
      Double targetPercentile,
      Double lowerPercentile,
      Double upperPercentile,
      Double safetyMargin,
      Double minCpu,
      Double minMemory,
      Duration halfLife) {

    /** Every field given, as {@code s} has it. */
    public static Values of(VerticalSettings s) {
      return new Values(
          true,
          s.targetPercentile(),
          s.lowerPercentile(),
          s.upperPercentile(),
          s.safetyMargin(),
          s.minCpuCores(),
          s.minMemoryBytes(),
          s.halfLife());
    }
  }

  private VerticalAdviceReader() {}

  /**
   * The settings of {@code v} (the defaults where a field is left out), or empty when a problem was
   * reported; {@code name} turns a field's name into the one shown to the user (e.g. {@code
   * spec.verticalAdvice.targetPercentile} or {@code --target-percentile}). {@code enabled} is left
   * to the caller.
   */
  public static Optional<VerticalSettings> settings(
      Values v, UnaryOperator<String> name, PredictionReader.Problems problems) {
    VerticalSettings d = VerticalSettings.defaults();
    double target = or(v.targetPercentile(), d.targetPercentile());
    double lower = or(v.lowerPercentile(), d.lowerPercentile());
    double upper = or(v.upperPercentile(), d.upperPercentile());
    boolean ok = percentile(name.apply("targetPercentile"), target, problems);
    ok &= percentile(name.apply("lowerPercentile"), lower, problems);
    ok &= percentile(name.apply("upperPercentile"), upper, problems);
    if (ok && lower > target) {
      problems.add(
          name.apply("lowerPercentile"),
          lower + " is above targetPercentile " + target + "; lower it");
      ok = false;
    }
    if (ok && upper < target) {
      problems.add(
          name.apply("upperPercentile"),
          upper + " is below targetPercentile " + target + "; raise it");
      ok = false;
    }
    double margin = or(v.safetyMargin(), d.safetyMargin());
    ok &= atLeastZero(name.apply("safetyMargin"), margin, "0.15", problems);
    double minCpu = or(v.minCpu(), d.minCpuCores());
    ok &= atLeastZero(name.apply("minCpu"), minCpu, "25m", problems);
    double minMemory = or(v.minMemory(), d.minMemoryBytes());
    ok &= atLeastZero(name.apply("minMemory"), minMemory, "250Mi", problems);
    Duration halfLife = v.halfLife() == null ? d.halfLife() : v.halfLife();
    if (halfLife.isZero() || halfLife.isNegative()) {
      problems.add(name.apply("halfLife"), "must be positive, was " + halfLife + "; e.g. 24h");
      ok = false;
    }
    return ok
        ? Optional.of(
            new VerticalSettings(target, lower, upper, margin, minCpu, minMemory, halfLife))
        : Optional.empty();
  }

  /**
   * Reads the section {@code node} at {@code path} (e.g. {@code spec.verticalAdvice}): numbers for
   * the percentiles and the margin, quantities ({@code 25m}, {@code 250Mi}) or numbers (cores,
   * bytes) for the minimums, durations in the document's syntax. Type problems are reported here,
   * the rules by {@link #settings}; null when a problem was reported.
   */
  public static Values read(
      JsonNode node,
      String path,
      PredictionReader.DurationField durations,
      PredictionReader.Problems problems) {
    if (!node.isObject()) {
      problems.add(path, "must be a mapping, e.g. {targetPercentile: 0.9}");
      return null;
    }
    boolean ok = true;
    for (var it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!FIELDS.contains(k)) {
        problems.add(path + "." + k, "unknown field; expected one of " + new TreeSet<>(FIELDS));
        ok = false;
      }
    }
    Boolean enabled = null;
    JsonNode e = node.get("enabled");
    if (e != null && !e.isNull()) {
      if (e.isBoolean()) {
        enabled = e.asBoolean();
      } else {
        problems.add(path + ".enabled", "must be true or false");
        ok = false;
      }
    }
    Double[] numbers = new Double[4];
    String[] keys = {"targetPercentile", "lowerPercentile", "upperPercentile", "safetyMargin"};
    for (int i = 0; i < keys.length; i++) {
      JsonNode n = node.get(keys[i]);
      if (n != null && !n.isNull()) {
        if (n.isNumber()) {
          numbers[i] = n.asDouble();
        } else {
          problems.add(path + "." + keys[i], "must be a number, e.g. " + example(keys[i]));
          ok = false;
        }
      }
    }
    Double minCpu = quantity(node, path, "minCpu", "25m", problems);
    Double minMemory = quantity(node, path, "minMemory", "250Mi", problems);
    ok &= (minCpu != null || !node.hasNonNull("minCpu"));
    ok &= (minMemory != null || !node.hasNonNull("minMemory"));
    Duration halfLife = null;
    if (node.hasNonNull("halfLife")) {
      halfLife = durations.read(path + ".halfLife", node.get("halfLife"));
      ok &= halfLife != null;
    }
    return ok
        ? new Values(
            enabled, numbers[0], numbers[1], numbers[2], numbers[3], minCpu, minMemory, halfLife)
        : null;
  }

  /**
   * A quantity such as {@code 25m} or {@code 250Mi}, as a number ({@code 0.025}, bytes); reports
   * {@code name} and returns null when it is none; null for null.
   */
  public static Double quantity(
      String text, String name, String example, PredictionReader.Problems problems) {
    if (text == null) {
      return null;
    }
    try {
      return Quantities.parseDouble(text, name);
    } catch (InvalidDocumentException e) {
      problems.add(name, e.problem() + "; e.g. " + example);
      return null;
    }
  }

  private static Double quantity(
      JsonNode node, String path, String key, String example, PredictionReader.Problems problems) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (!n.isTextual()) {
      problems.add(path + "." + key, "must be a quantity such as " + example);
      return null;
    }
    return quantity(n.asText(), path + "." + key, example, problems);
  }

  private static String example(String key) {
    return key.equals("safetyMargin") ? "0.15" : "0.9";
  }

  private static double or(Double value, double dflt) {
    return value == null ? dflt : value;
  }

  private static boolean percentile(String name, double value, PredictionReader.Problems p) {
    if (!(value > 0 && value <= 1)) {
      p.add(name, "must be in (0, 1], was " + value + "; e.g. 0.9");
      return false;
    }
    return true;
  }

  private static boolean atLeastZero(
      String name, double value, String example, PredictionReader.Problems p) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      p.add(name, "must be >= 0, was " + value + "; e.g. " + example);
      return false;
    }
    return true;
  }
}
