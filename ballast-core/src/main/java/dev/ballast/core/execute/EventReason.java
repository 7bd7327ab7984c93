package dev.ballast.core.execute;

/**
 * The stable reasons of scaling events, as Kubernetes Event reasons and log keys. Users' alerts
 * match on {@link #code()}: never rename one.
 */
public enum EventReason {
  SCALING_STARTED("ScalingStarted", false),
  STAGE_COMPLETED("StageCompleted", false),
  STAGE_RETRIED("StageRetried", true),
  /**
   * A removal waits before LEAVE or STOP: a remaining voting member does not answer or is behind.
   */
  REMOVAL_HELD("RemovalHeld", true),
  STEP_COMPLETED("StepCompleted", false),
  STEP_FAILED("StepFailed", true),
  SCALED_UP("ScaledUp", false),
  SCALED_DOWN("ScaledDown", false),
  ROLLED_BACK("RolledBack", true),
  SCALING_CANCELLED("ScalingCancelled", false),
  SCALING_FAILED("ScalingFailed", true),
  SCALING_BLOCKED("ScalingBlocked", true);

  private final String code;
  private final boolean warning;

  EventReason(String code, boolean warning) {
    this.code = code;
    this.warning = warning;
  }

  /** The reason as Kubernetes Events and log lines show it, e.g. {@code ScaledUp}. */
  public String code() {
    return code;
  }

  /** Whether the event is a warning (Kubernetes Event type {@code Warning}). */
  public boolean warning() {
    return warning;
  }
}
