package dev.ballast.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Prometheus text exposition format, version 0.0.4: {@code # HELP} and {@code # TYPE}
 * lines and other comments are skipped, each other non-blank line is {@code name{labels} value
 * [timestamp]} with escaped label values ({@code \\}, {@code \"}, {@code \n}), values such as
 * {@code NaN}, {@code +Inf} and {@code 1.5e3}. Histograms and summaries arrive as their flat {@code
 * _bucket}/{@code _sum}/{@code _count} samples. An OpenMetrics {@code # EOF} line and exemplars
 * ({@code # {...} v} after a value) are tolerated.
 *
 * <p>Written here because no maintained Java library parses this format: the official client
 * ({@code io.prometheus:prometheus-metrics-exposition-textformats}) only writes it, and the
 * third-party scrapers on Maven Central have not been released in years.
 */
public final class PrometheusTextParser {
  private PrometheusTextParser() {}

  /** Parses a whole scrape; fails with the line number and the problem on a malformed line. */
  public static List<PrometheusSample> parse(String text) {
    List<PrometheusSample> samples = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      try {
        samples.add(new LineParser(trimmed).sample());
      } catch (IllegalArgumentException e) {
        throw new PrometheusFormatException(
            "line " + (i + 1) + ": " + e.getMessage() + ": " + abbreviate(trimmed), e);
      }
    }
    return samples;
  }

  private static String abbreviate(String line) {
    return line.length() <= 120 ? line : line.substring(0, 117) + "...";
  }

  /** A scrape that does not follow the text format. */
  public static final class PrometheusFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    PrometheusFormatException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final class LineParser {
    private final String s;
    private int at;

    LineParser(String s) {
      this.s = s;
    }

    PrometheusSample sample() {
      String name = name(true);
      Map<String, String> labels = new LinkedHashMap<>();
      boolean spaced = skipSpaces();
      if (at < s.length() && s.charAt(at) == '{') {
        at++;
        labels(labels);
        spaced = skipSpaces();
      }
      if (!spaced) {
        throw new IllegalArgumentException("expected a space before the value");
      }
      double value = value(token());
      Long timestamp = null;
      if (skipSpaces() && at < s.length() && peek() != '#') {
        String ts = token();
        try {
          timestamp = Long.parseLong(ts);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("timestamp '" + ts + "' is not an integer");
        }
        skipSpaces();
      }
      if (at < s.length() && peek() != '#') {
        throw new IllegalArgumentException("unexpected text after the sample");
      }
      return new PrometheusSample(name, labels, value, timestamp);
    }

    private void labels(Map<String, String> labels) {
      while (true) {
        skipSpaces();
        if (peek() == '}') {
          at++;
          return;
        }
        String label = name(false);
        skipSpaces();
        expect('=');
        skipSpaces();
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
          if (at >= s.length()) {
            throw new IllegalArgumentException("unterminated label value");
          }
          char c = s.charAt(at++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            if (at >= s.length()) {
              throw new IllegalArgumentException("unterminated escape in a label value");
            }
            char e = s.charAt(at++);
            switch (e) {
              case 'n' -> value.append('\n');
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              default -> value.append('\\').append(e);
            }
          } else {
            value.append(c);
          }
        }
        labels.put(label, value.toString());
        skipSpaces();
        if (peek() == ',') {
          at++;
        } else if (peek() != '}') {
          throw new IllegalArgumentException("expected ',' or '}' after label '" + label + "'");
        }
      }
    }

    private String name(boolean metric) {
      int start = at;
      while (at < s.length()) {
        char c = s.charAt(at);
        boolean ok =
            c == '_'
                || (metric && c == ':')
                || (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (at > start && c >= '0' && c <= '9');
        if (!ok) {
          break;
        }
        at++;
      }
      if (at == start) {
        throw new IllegalArgumentException(
            metric ? "expected a metric name" : "expected a label name");
      }
      return s.substring(start, at);
    }

    private static double value(String token) {
      switch (token) {
        case "NaN":
          return Double.NaN;
        case "+Inf":
        case "Inf":
          return Double.POSITIVE_INFINITY;
        case "-Inf":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(token);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("value '" + token + "' is not a number");
          }
      }
    }

    private String token() {
      int start = at;
      while (at < s.length() && s.charAt(at) != ' ' && s.charAt(at) != '\t') {
        at++;
      }
      if (at == start) {
        throw new IllegalArgumentException("expected a value");
      }
      return s.substring(start, at);
    }

    private boolean skipSpaces() {
      int start = at;
      while (at < s.length() && (s.charAt(at) == ' ' || s.charAt(at) == '\t')) {
        at++;
      }
      return at > start;
    }

    private char peek() {
      if (at >= s.length()) {
        throw new IllegalArgumentException("line ends early");
      }
      return s.charAt(at);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw new IllegalArgumentException("expected '" + c + "'");
      }
      at++;
    }
  }
}
