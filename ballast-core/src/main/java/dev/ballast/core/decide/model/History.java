package dev.ballast.core.decide.model;

import java.util.List;

/**
 * The HPA controller's memory between reconciles: recommendations (for stabilization windows) and
 * scale events (for rate policies). A null {@code recommendations} list means none was ever
 * recorded (a first reconcile), which differs from an empty list: the controller then seeds it with
 * the current replica count.
 */
public record History(
    List<Recommendation> recommendations,
    List<ScaleEvent> scaleUpEvents,
    List<ScaleEvent> scaleDownEvents) {

  /** No memory at all: the first reconcile. */
  public static final History FIRST_RECONCILE = new History(null, List.of(), List.of());

  public History {
    recommendations = recommendations == null ? null : List.copyOf(recommendations);
    scaleUpEvents = scaleUpEvents == null ? List.of() : List.copyOf(scaleUpEvents);
    scaleDownEvents = scaleDownEvents == null ? List.of() : List.copyOf(scaleDownEvents);
  }

  public static History of(List<Recommendation> recommendations) {
    return new History(recommendations, List.of(), List.of());
  }

  public History withScaleUpEvents(List<ScaleEvent> value) {
    return new History(recommendations, value, scaleDownEvents);
  }

  public History withScaleDownEvents(List<ScaleEvent> value) {
    return new History(recommendations, scaleUpEvents, value);
  }

  public boolean isFirstReconcile() {
    return recommendations == null;
  }
}
