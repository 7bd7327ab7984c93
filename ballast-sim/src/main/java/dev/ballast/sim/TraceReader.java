package dev.ballast.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.api.InputDocuments;
import dev.ballast.api.InvalidDocumentException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a trace from a {@code timestamp_seconds,value} CSV (with that header) or from a Prometheus
 * {@code query_range} JSON export (one series; {@code "NaN"} samples are dropped and so become a
 * gap). The format is chosen by content: a file starting with {@code {} is JSON. Errors name the
 * file, the line or JSON field, and the fix.
 */
public final class TraceReader {
  /** The latest timestamp a trace may hold: 9999-12-31T23:59:59Z, in Unix seconds. */
  static final long MAX_TIME = 253_402_300_799L;

  private TraceReader() {}

  /** Reads {@code file}; the trace is named after the file without its extension. */
  public static Trace read(Path file) {
    String text;
    try {
      text = InputDocuments.readText(file, InputDocuments.MAX_TRACE_BYTES, file.toString());
    } catch (InvalidDocumentException e) {
      throw new InputException(e.getMessage());
    }
    String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    return text.stripLeading().startsWith("{")
        ? readPrometheus(file.toString(), name, text)
        : readCsv(file.toString(), name, text);
  }

  /** Parses CSV text; {@code source} names it in errors. */
  public static Trace readCsv(String source, String name, String text) {
    long[] times = new long[1024];
    double[] values = new double[1024];
    int n = 0;
    try (BufferedReader r = new BufferedReader(new java.io.StringReader(text))) {
      String header = r.readLine();
      if (header == null || !header.strip().replace(" ", "").equals("timestamp_seconds,value")) {
        throw new InputException(
            source
                + ":1: the header must be 'timestamp_seconds,value', was '"
                + (header == null ? "" : header.strip())
                + "'");
      }
      String line;
      int lineNo = 1;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        int comma = line.indexOf(',');
        if (comma < 0 || line.indexOf(',', comma + 1) >= 0) {
          throw new InputException(
              source
                  + ":"
                  + lineNo
                  + ": expected 2 fields 'timestamp_seconds,value', got '"
                  + line.strip()
                  + "'");
        }
        long t = parseTime(source + ":" + lineNo, line.substring(0, comma).strip());
        double v = parseValue(source + ":" + lineNo, line.substring(comma + 1).strip());
        if (n > 0 && t <= times[n - 1]) {
          throw new InputException(
              source
                  + ":"
                  + lineNo
                  + ": timestamp_seconds "
                  + t
                  + " is not after the previous row's "
                  + times[n - 1]
                  + "; sort the rows and remove duplicates");
        }
        if (n == times.length) {
          times = Arrays.copyOf(times, n * 2);
          values = Arrays.copyOf(values, n * 2);
        }
        times[n] = t;
        values[n] = v;
        n++;
      }
    } catch (IOException e) {
      throw new InputException(source + ": " + e.getMessage());
    }
    if (n < 2) {
      throw new InputException(source + ": the trace has " + n + " rows; it needs at least 2");
    }
    return new Trace(name, Arrays.copyOf(times, n), Arrays.copyOf(values, n));
  }

  private static long parseTime(String where, String field) {
    try {
      double d = Double.parseDouble(field);
      if (!Double.isFinite(d) || d != Math.rint(d)) {
        throw new NumberFormatException();
      }
      return checkTime(where + ": timestamp_seconds", d);
    } catch (NumberFormatException e) {
      throw new InputException(
          where + ": timestamp_seconds '" + field + "' is not a whole number of seconds");
    }
  }

  /** A Unix time in seconds between 0 and {@link #MAX_TIME}, else the field is refused. */
  private static long checkTime(String where, double seconds) {
    if (!(seconds >= 0 && seconds <= MAX_TIME)) {
      throw new InputException(
          where
              + " "
              + seconds
              + " is not a Unix time in seconds between 0 and "
              + MAX_TIME
              + " (year 9999)");
    }
    return Math.round(seconds);
  }

  private static double parseValue(String where, String field) {
    double v;
    try {
      v = Double.parseDouble(field);
    } catch (NumberFormatException e) {
      throw new InputException(where + ": value '" + field + "' is not a number");
    }
    if (!Double.isFinite(v) || v < 0) {
      throw new InputException(
          where + ": value " + field + " must be a finite number >= 0 (demand cannot be negative)");
    }
    return v;
  }

  /** Parses a Prometheus {@code query_range} response; {@code source} names it in errors. */
  public static Trace readPrometheus(String source, String name, String text) {
    JsonNode root;
    try {
      root = InputDocuments.parse(text, InputDocuments.Syntax.JSON, source);
    } catch (InvalidDocumentException e) {
      throw new InputException(e.getMessage());
    }
    if (root == null) {
      throw new InputException(source + ": the JSON document is empty");
    }
    String status = root.path("status").asText("");
    if (!status.equals("success")) {
      throw new InputException(
          source + ": status is '" + status + "', expected 'success' (export a successful query)");
    }
    JsonNode data = root.path("data");
    if (!data.path("resultType").asText("").equals("matrix")) {
      throw new InputException(
          source
              + ": data.resultType must be 'matrix' (use the query_range API), was '"
              + data.path("resultType").asText("")
              + "'");
    }
    JsonNode result = data.path("result");
    if (!result.isArray() || result.size() != 1) {
      throw new InputException(
          source
              + ": data.result must hold exactly one series, has "
              + (result.isArray() ? result.size() : 0)
              + "; aggregate the query (e.g. sum(...)) so that it returns one");
    }
    JsonNode samples = result.get(0).path("values");
    if (!samples.isArray()) {
      throw new InputException(source + ": data.result[0].values must be an array of [ts, \"v\"]");
    }
    long[] times = new long[samples.size()];
    double[] values = new double[samples.size()];
    int n = 0;
    for (int i = 0; i < samples.size(); i++) {
      String where = source + ": data.result[0].values[" + i + "]";
      JsonNode s = samples.get(i);
      if (!s.isArray() || s.size() != 2 || !s.get(0).isNumber()) {
        throw new InputException(where + " must be [unix_seconds, \"value\"]");
      }
      double ts = s.get(0).asDouble();
      String raw = s.get(1).asText();
      if (raw.equals("NaN")) {
        continue; // Prometheus writes NaN for an undefined value: replayed as a gap.
      }
      double v = parseValue(where, raw);
      long t = checkTime(where + ": timestamp", ts);
      if (n > 0 && t <= times[n - 1]) {
        throw new InputException(where + ": timestamp " + ts + " is not after the previous one");
      }
      times[n] = t;
      values[n] = v;
      n++;
    }
    if (n < 2) {
      throw new InputException(source + ": the series has " + n + " samples; it needs at least 2");
    }
    return new Trace(name, Arrays.copyOf(times, n), Arrays.copyOf(values, n));
  }
}
