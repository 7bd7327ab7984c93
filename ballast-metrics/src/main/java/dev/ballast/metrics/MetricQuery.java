package dev.ballast.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A metric name as a policy writes it, in a PromQL-like shape that SREs already read: {@code
 * zk_avg_latency} (a gauge, used as read), {@code rate(zk_packets_received)} (a counter turned into
 * a per-second rate between two reads), and for Prometheus endpoints optional label matchers {@code
 * http_requests_total{code="200"}} (samples with those labels are summed).
 */
public record MetricQuery(String name, Map<String, String> labels, boolean rate) {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern RATE = Pattern.compile("rate\\s*\\(\\s*(.*?)\\s*\\)");
  private static final Pattern MATCHER =
      Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)");

  public MetricQuery {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("metric name '" + name + "' is not a valid metric name");
    }
    labels = Map.copyOf(labels);
  }

  /**
   * Parses {@code text}; fails with a message naming the problem when it is neither {@code name},
   * {@code name{label="value",...}} nor {@code rate(...)} of one of those.
   */
  public static MetricQuery parse(String text) {
    Objects.requireNonNull(text, "metric");
    String body = text.strip();
    boolean rate = false;
    Matcher r = RATE.matcher(body);
    if (r.matches()) {
      rate = true;
      body = r.group(1);
    }
    int brace = body.indexOf('{');
    String name = brace < 0 ? body : body.substring(0, brace).strip();
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "metric '"
              + text
              + "' is not understood: write name, name{label=\"value\"} or rate(name)");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (brace >= 0) {
      if (!body.endsWith("}")) {
        throw new IllegalArgumentException("metric '" + text + "' has an unclosed '{'");
      }
      String inside = body.substring(brace + 1, body.length() - 1);
      Matcher m = MATCHER.matcher(inside);
      int at = 0;
      while (at < inside.length() && !inside.substring(at).isBlank()) {
        if (!m.find(at) || m.start() != at) {
          throw new IllegalArgumentException(
              "metric '" + text + "' has a label matcher that is not label=\"value\"");
        }
        labels.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        at = m.end();
      }
    }
    return new MetricQuery(name, labels, rate);
  }

  /** True when a sample with {@code sampleLabels} is selected: it has every required label. */
  public boolean selects(Map<String, String> sampleLabels) {
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!e.getValue().equals(sampleLabels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(name);
    if (!labels.isEmpty()) {
      s.append('{');
      labels.forEach((k, v) -> s.append(k).append("=\"").append(v).append("\","));
      s.setLength(s.length() - 1);
      s.append('}');
    }
    return rate ? "rate(" + s + ")" : s.toString();
  }
}
