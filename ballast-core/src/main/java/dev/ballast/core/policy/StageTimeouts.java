package dev.ballast.core.policy;

import dev.ballast.core.plan.Stage;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How long each stage of a step may take before it fails (an add step is then rolled back): one
 * default and overrides by stage. Time is measured from the moment the step entered the stage.
 */
public record StageTimeouts(Duration defaultTimeout, Map<Stage, Duration> byStage) {
  public StageTimeouts {
    Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    byStage = Map.copyOf(byStage);
  }

  /** Every stage gets {@code timeout}. */
  public static StageTimeouts uniform(Duration timeout) {
    return new StageTimeouts(timeout, Map.of());
  }

  /** A copy where {@code stage} gets {@code timeout}. */
  public StageTimeouts with(Stage stage, Duration timeout) {
    var copy = new java.util.EnumMap<Stage, Duration>(Stage.class);
    copy.putAll(byStage);
    copy.put(stage, timeout);
    return new StageTimeouts(defaultTimeout, copy);
  }

  /** The timeout of {@code stage}. */
  public Duration forStage(Stage stage) {
    return byStage.getOrDefault(stage, defaultTimeout);
  }
}
