package dev.ballast.api.parity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Where Ballast deliberately answers differently from Kubernetes' controller, so that the
 * differential test knows them. Each entry says what Kubernetes does and what Ballast does instead;
 * README.md ("HPA parity") lists the same.
 *
 * <ol>
 *   <li>An {@code AverageValue} Object or External target with the Scale's {@code status.replicas}
 *       at 0: Kubernetes divides the metric by 0 and publishes {@code -9223372036854775808m} as the
 *       current average; Ballast publishes the metric's total. The proposal (ceil(value / target)
 *       outside the tolerance) and every condition are the same, so nothing compared here differs:
 *       the current values are not part of the comparison.
 * </ol>
 */
final class DeliberateDifferences {
  private DeliberateDifferences() {}

  /** {@code differences} minus those the list above explains for {@code snapshot}. */
  static List<String> without(List<String> differences, JsonNode snapshot) {
    return differences;
  }
}
