package dev.ballast.sim;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in policy and model files: Kubernetes/Go style ({@code 15s}, {@code 2m},
 * {@code 1h30m}, {@code 24h}, {@code 500ms}) or a whole number of seconds.
 */
public final class DurationText {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

  private DurationText() {}

  /** The duration, or empty when {@code text} is not one. */
  public static java.util.Optional<Duration> parse(String text) {
    String s = text.strip();
    if (s.matches("\\d+")) {
      // More seconds than a long holds is no duration (the reader then names the field).
      return s.length() > 18
          ? java.util.Optional.empty()
          : java.util.Optional.of(Duration.ofSeconds(Long.parseLong(s)));
    }
    if (s.isEmpty()) {
      return java.util.Optional.empty();
    }
    Matcher m = PART.matcher(s);
    int pos = 0;
    double millis = 0;
    while (m.find() && m.start() == pos) {
      double n = Double.parseDouble(m.group(1));
      millis +=
          n
              * switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
              };
      pos = m.end();
    }
    if (pos != s.length()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Duration.ofMillis(Math.round(millis)));
  }

  /** Short text for a duration: {@code 90s} → {@code 1m30s}. */
  public static String format(Duration d) {
    long s = d.toSeconds();
    if (s == 0) {
      return d.toMillis() + "ms";
    }
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      b.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }
}
