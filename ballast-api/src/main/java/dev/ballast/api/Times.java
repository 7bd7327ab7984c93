package dev.ballast.api;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 3339 timestamps (Go's zero time {@code 0001-01-01T00:00:00Z} included) and Go duration
 * strings ({@code "30s"}, {@code "1m0s"}) as Kubernetes writes them.
 */
public final class Times {
  /** Go's zero time: "never set". */
  public static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private static final Pattern GO_DURATION_PART =
      Pattern.compile("([0-9]+(?:\\.[0-9]*)?)(ns|us|µs|ms|s|m|h)");

  private Times() {}

  public static Instant parseInstant(String text, String path) {
    if (text == null || text.isBlank()) {
      throw new InvalidDocumentException(
          path, "an RFC 3339 time is required, e.g. \"2026-01-01T12:00:00Z\"");
    }
    try {
      return OffsetDateTime.parse(text.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidDocumentException(
          path,
          "\"" + text + "\" is not an RFC 3339 time (expected e.g. \"2026-01-01T12:00:00Z\")");
    }
  }

  public static String format(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  /** A Go duration string such as {@code 30s}, {@code 1m30s}, {@code 500ms}. */
  public static Duration parseGoDuration(String text, String path) {
    String s = text == null ? "" : text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = GO_DURATION_PART.matcher(s);
    int pos = 0;
    long nanos = 0;
    while (pos < s.length() && m.find(pos) && m.start() == pos) {
      double v = Double.parseDouble(m.group(1));
      double unit =
          switch (m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
          };
      nanos += Math.round(v * unit);
      pos = m.end();
    }
    if (s.isEmpty() || pos != s.length()) {
      throw new InvalidDocumentException(
          path, "\"" + text + "\" is not a duration (expected e.g. \"30s\" or \"1m0s\")");
    }
    return Duration.ofNanos(nanos);
  }
}
