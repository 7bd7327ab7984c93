package dev.ballast.core.execute;

/**
 * Receives every scaling event as it happens (stage completed, step failed, scaled up...). Called
 * on the thread that ticks; must return quickly and not throw.
 */
@FunctionalInterface
public interface ExecutionListener {
  /** A listener that ignores every event. */
  ExecutionListener NONE = event -> {};

  void onEvent(ScalingEvent event);
}
