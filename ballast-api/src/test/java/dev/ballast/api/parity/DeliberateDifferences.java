package dev.ballast.api.parity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Ballast deliberately answers differently from Kubernetes' controller, so that the
 * differential test knows them; README.md ("HPA parity") lists the same.
 *
 * <ol>
 *   <li>An {@code AverageValue} Object or External target while the Scale's {@code status.replicas}
 *       is 0: Kubernetes divides the metric by 0 and publishes {@code -9223372036854775808m} as the
 *       current average value; Ballast publishes the metric's total. The proposal and the
 *       conditions are the same.
 * </ol>
 */
final class DeliberateDifferences {
  private static final Pattern CURRENT =
      Pattern.compile("metrics\\[(\\d+)\\] \\((Object|External)\\) current: .*");

  private DeliberateDifferences() {}

  /** {@code differences} minus those the list above explains for {@code snapshot}. */
  static List<String> without(List<String> differences, JsonNode snapshot) {
    List<String> out = new ArrayList<>();
    for (String d : differences) {
      if (!averageValueOverZeroReplicas(d, snapshot)) {
        out.add(d);
      }
    }
    return out;
  }

  private static boolean averageValueOverZeroReplicas(String difference, JsonNode snapshot) {
    Matcher m = CURRENT.matcher(difference);
    if (!m.matches() || snapshot.path("scale").path("status").path("replicas").asInt(-1) != 0) {
      return false;
    }
    JsonNode metric =
        snapshot.path("autoscaler").path("spec").path("metrics").get(Integer.parseInt(m.group(1)));
    String key = m.group(2).equals("Object") ? "object" : "external";
    return metric != null
        && "AverageValue".equals(metric.path(key).path("target").path("type").asText());
  }
}
