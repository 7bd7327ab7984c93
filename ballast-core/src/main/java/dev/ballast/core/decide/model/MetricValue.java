package dev.ballast.core.decide.model;

/**
 * The current value of one metric, shaped like the HPA's {@code status.currentMetrics[i].current}:
 * {@code value} and {@code averageValue} in milli-units, {@code averageUtilization} in percent; a
 * field that does not apply is null.
 */
public record MetricValue(Long valueMilli, Long averageValueMilli, Integer averageUtilization) {
  public static MetricValue ofValue(long milli) {
    return new MetricValue(milli, null, null);
  }

  public static MetricValue ofAverageValue(long milli) {
    return new MetricValue(null, milli, null);
  }

  public static MetricValue ofUtilization(int percent, long averageMilli) {
    return new MetricValue(null, averageMilli, percent);
  }

  private static final String[] DECIMAL_SUFFIXES = {"", "k", "M", "G", "T", "P", "E"};

  /**
   * Formats milli-units the way Kubernetes prints a DecimalSI milli-quantity: {@code 500m}, {@code
   * 2}, {@code 1500m}, {@code 3k}.
   */
  public static String formatMilli(long milli) {
    if (milli % 1000 != 0) {
      return milli + "m";
    }
    long v = milli / 1000;
    int i = 0;
    while (v != 0 && v % 1000 == 0 && i < DECIMAL_SUFFIXES.length - 1) {
      v /= 1000;
      i++;
    }
    return v + DECIMAL_SUFFIXES[i];
  }

  /**
   * {@link #formatMilli} plus a binary reading for byte-sized values, for people: {@code 576716800
   * (550Mi)}.
   */
  public static String describeMilli(long milli) {
    String plain = formatMilli(milli);
    long mi = 1024L * 1024L * 1000L;
    if (milli % 1000 != 0 || Math.abs(milli) < mi) {
      return plain;
    }
    String[] units = {"Mi", "Gi", "Ti", "Pi"};
    double v = milli / (double) mi;
    int i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    String num =
        java.math.BigDecimal.valueOf(v)
            .setScale(2, java.math.RoundingMode.HALF_EVEN)
            .stripTrailingZeros()
            .toPlainString();
    return plain + " (" + num + units[i] + ")";
  }
}
