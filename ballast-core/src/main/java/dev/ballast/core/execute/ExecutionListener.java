package dev.ballast.core.execute;

/**
 * Receives every scaling event as it happens (stage completed, step failed, scaled up...). Called
 * on the thread that ticks; should return quickly. An exception it throws is logged and ignored:
 * reporting never stops an operation.
 */
@FunctionalInterface
public interface ExecutionListener {
  /** A listener that ignores every event. */
  ExecutionListener NONE = event -> {};

  void onEvent(ScalingEvent event);
}
