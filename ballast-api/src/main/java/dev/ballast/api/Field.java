package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a Jackson tree with its path ({@code snapshot.pods[2].metadata.name}), so that every
 * validation message names the field. Reading a missing or null field gives a missing Field.
 */
public final class Field {
  private final JsonNode node;
  private final String path;

  private Field(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** The root of a document, named {@code name} in messages (e.g. {@code snapshot}). */
  public static Field of(JsonNode node, String path) {
    return new Field(node, path);
  }

  public String path() {
    return path;
  }

  public JsonNode node() {
    return node;
  }

  public boolean isMissing() {
    return node == null || node.isNull() || node.isMissingNode();
  }

  public Field get(String key) {
    JsonNode child = node != null && node.isObject() ? node.get(key) : null;
    return new Field(child, path + "." + key);
  }

  public InvalidDocumentException invalid(String problem) {
    return new InvalidDocumentException(path, problem);
  }

  public Field requireObject() {
    if (isMissing()) {
      throw invalid("required (an object)");
    }
    if (!node.isObject()) {
      throw invalid("must be an object");
    }
    return this;
  }

  /** The elements of an optional list (empty when missing). */
  public List<Field> list() {
    if (isMissing()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw invalid("must be a list");
    }
    List<Field> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      out.add(new Field(node.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  public String text() {
    if (isMissing()) {
      return null;
    }
    if (!node.isTextual()) {
      throw invalid("must be a string");
    }
    return node.asText();
  }

  public String requireText() {
    String t = text();
    if (t == null || t.isEmpty()) {
      throw invalid("required (a non-empty string)");
    }
    return t;
  }

  public String textOr(String fallback) {
    String t = text();
    return t == null ? fallback : t;
  }

  /** An optional whole number >= {@code min}; null when missing. */
  public Integer integer(int min, String what) {
    if (isMissing()) {
      return null;
    }
    if (!node.isNumber() || !isWhole(node)) {
      throw invalid("must be " + what);
    }
    BigDecimal v = node.decimalValue();
    if (v.compareTo(BigDecimal.valueOf(min)) < 0
        || v.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
      throw invalid("must be " + what);
    }
    return v.intValueExact();
  }

  public int requireInteger(int min, String what) {
    if (isMissing()) {
      throw invalid("required (" + what + ")");
    }
    return integer(min, what);
  }

  private static boolean isWhole(JsonNode n) {
    if (n.isIntegralNumber()) {
      return true;
    }
    BigDecimal d = n.decimalValue();
    return d.stripTrailingZeros().scale() <= 0;
  }

  /** An optional number >= 0; null when missing. */
  public Double nonNegativeNumber() {
    if (isMissing()) {
      return null;
    }
    if (!node.isNumber() || node.asDouble() < 0 || !Double.isFinite(node.asDouble())) {
      throw invalid("must be a number >= 0");
    }
    return node.asDouble();
  }

  /** A quantity (string such as "500m", or a plain number) in milli-units. */
  public long requireQuantityMilli() {
    if (isMissing()) {
      throw invalid("required (a quantity such as \"500m\" or \"2\")");
    }
    if (node.isNumber()) {
      return Quantities.parseMilli(node.decimalValue().toPlainString(), path);
    }
    if (!node.isTextual()) {
      throw invalid("must be a quantity such as \"500m\" or \"2\"");
    }
    return Quantities.parseMilli(node.asText(), path);
  }

  /** An optional quantity as a double; null when missing. */
  public Double quantityDouble() {
    if (isMissing()) {
      return null;
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (!node.isTextual()) {
      throw invalid("must be a quantity such as \"0.1\" or \"100m\"");
    }
    return Quantities.parseDouble(node.asText(), path);
  }

  /** An optional RFC 3339 time; null when missing. */
  public Instant time() {
    if (isMissing()) {
      return null;
    }
    if (!node.isTextual()) {
      throw invalid("must be an RFC 3339 time string, e.g. \"2026-01-01T12:00:00Z\"");
    }
    return Times.parseInstant(node.asText(), path);
  }

  public Instant requireTime() {
    if (isMissing()) {
      throw invalid("required (an RFC 3339 time, e.g. \"2026-01-01T12:00:00Z\")");
    }
    return time();
  }

  /** An optional map of strings (labels); empty when missing. */
  public Map<String, String> stringMap() {
    if (isMissing()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw invalid("must be a map of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw get(e.getKey()).invalid("must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** The keys of an object with their fields; empty when missing. */
  public Map<String, Field> entries() {
    if (isMissing()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw invalid("must be an object");
    }
    Map<String, Field> out = new LinkedHashMap<>();
    Iterator<String> it = node.fieldNames();
    while (it.hasNext()) {
      String k = it.next();
      out.put(k, get(k));
    }
    return out;
  }
}
