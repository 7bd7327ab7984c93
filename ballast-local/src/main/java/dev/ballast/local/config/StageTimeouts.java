package dev.ballast.local.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How long each stage of a scaling step may take before the step fails (and an add step is rolled
 * back): one default and overrides by stage name ({@code join}, {@code drain}, ...).
 */
public record StageTimeouts(Duration defaultTimeout, Map<String, Duration> byStage) {

  /** The stage names a cluster file may set, lower case, in execution order. */
  public static final Set<String> STAGES =
      Set.of(
          "preflight",
          "announce",
          "start",
          "ready",
          "join",
          "verify",
          "publish",
          "drain",
          "drained",
          "leave",
          "stop",
          "gone",
          "cleanup");

  public StageTimeouts {
    Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    byStage = Map.copyOf(byStage);
  }

  /** The timeout of the stage named {@code stage} (any case). */
  public Duration forStage(String stage) {
    return byStage.getOrDefault(stage.toLowerCase(Locale.ROOT), defaultTimeout);
  }
}
