package dev.ballast.core.decide.model;

import java.time.Instant;
import java.util.Objects;

/**
 * An HPA status condition ({@code AbleToScale}, {@code ScalingActive}, {@code ScalingLimited}) with
 * Kubernetes' reason and message. {@code lastTransitionTime} may be null in input.
 */
public record Condition(
    String type, boolean status, String reason, String message, Instant lastTransitionTime) {

  public static final String ABLE_TO_SCALE = "AbleToScale";
  public static final String SCALING_ACTIVE = "ScalingActive";
  public static final String SCALING_LIMITED = "ScalingLimited";

  public Condition {
    Objects.requireNonNull(type, "type");
    reason = reason == null ? "" : reason;
    message = message == null ? "" : message;
  }

  /** "True" or "False", as in the API. */
  public String statusString() {
    return status ? "True" : "False";
  }
}
