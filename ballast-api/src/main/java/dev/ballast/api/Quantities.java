package dev.ballast.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes quantity strings ({@code "500m"}, {@code "2"}, {@code "128Mi"}, {@code "1.5"}, {@code
 * "1e3"}): parsed to milli-units rounded up, as Kubernetes' {@code MilliValue()}.
 */
public final class Quantities {
  private static final Pattern QUANTITY =
      Pattern.compile("^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))([eE][+-]?[0-9]+|[a-zA-Z]{0,2})$");
  private static final Map<String, BigDecimal> SUFFIXES =
      Map.ofEntries(
          Map.entry("n", new BigDecimal("1e-9")),
          Map.entry("u", new BigDecimal("1e-6")),
          Map.entry("m", new BigDecimal("1e-3")),
          Map.entry("", BigDecimal.ONE),
          Map.entry("k", new BigDecimal("1e3")),
          Map.entry("M", new BigDecimal("1e6")),
          Map.entry("G", new BigDecimal("1e9")),
          Map.entry("T", new BigDecimal("1e12")),
          Map.entry("P", new BigDecimal("1e15")),
          Map.entry("E", new BigDecimal("1e18")),
          Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
          Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
          Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
          Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
          Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
          Map.entry("Ei", BigDecimal.valueOf(1L << 60)));
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final BigDecimal MAX_MILLI = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final Pattern EXPONENT = Pattern.compile("[eE][+-]?[0-9]{1,3}");
  // Longer text is no real quantity, and would cost BigDecimal time for nothing.
  private static final int MAX_CHARS = 64;

  private Quantities() {}

  /**
   * The exact value of a quantity string, or empty-handed with an exception naming {@code path}.
   */
  public static BigDecimal parse(String text, String path) {
    if (text == null) {
      throw new InvalidDocumentException(path, "a quantity is required, e.g. \"500m\" or \"2\"");
    }
    Matcher m = QUANTITY.matcher(text.trim());
    if (text.length() > MAX_CHARS) {
      throw new InvalidDocumentException(
          path, "is " + text.length() + " characters long; a quantity has at most " + MAX_CHARS);
    }
    if (!m.matches()) {
      throw new InvalidDocumentException(
          path,
          "\""
              + text
              + "\" is not a Kubernetes quantity (expected e.g. \"500m\", \"2\", \"128Mi\")");
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2);
    // "1e3" is an exponent, "1Ei" and "1E" are suffixes (exbibyte, exa).
    if (EXPONENT.matcher(suffix).matches()) {
      return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
    }
    if (suffix.matches("[eE][+-]?[0-9]+")) {
      throw new InvalidDocumentException(
          path, "\"" + text + "\" has an exponent beyond 999; write the value as a plain number");
    }
    BigDecimal multiplier = SUFFIXES.get(suffix);
    if (multiplier == null) {
      throw new InvalidDocumentException(
          path,
          "\""
              + text
              + "\" has an unknown suffix \""
              + suffix
              + "\" (use m, k, M, G, Ki, Mi, Gi...)");
    }
    return number.multiply(multiplier);
  }

  /** Milli-units, rounded up as Kubernetes does; the value must fit a long. */
  public static long parseMilli(String text, String path) {
    BigDecimal milli = parse(text, path).multiply(THOUSAND).setScale(0, RoundingMode.CEILING);
    if (milli.abs().compareTo(MAX_MILLI) > 0) {
      throw new InvalidDocumentException(path, "\"" + text + "\" is too large");
    }
    return milli.longValueExact();
  }

  /** The value as a double (Kubernetes' {@code AsApproximateFloat64}). */
  public static double parseDouble(String text, String path) {
    return parse(text, path).doubleValue();
  }

  /** Formats milli-units like Kubernetes prints a DecimalSI quantity: {@code 500m}, {@code 2}. */
  public static String formatMilli(long milli) {
    return dev.ballast.core.decide.model.MetricValue.formatMilli(milli);
  }
}
