package dev.ballast.core.decide;

import dev.ballast.core.decide.model.MetricValue;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Number formatting for the explanation steps: ratios to 4 decimals, quantities like Kubernetes.
 */
final class Fmt {
  private Fmt() {}

  static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    BigDecimal d = BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }

  static String q(long milli) {
    return MetricValue.describeMilli(milli);
  }

  /** Always in milli-units, e.g. {@code 3000m}: sums of cpu read best this way. */
  static String m(long milli) {
    return milli + "m";
  }
}
