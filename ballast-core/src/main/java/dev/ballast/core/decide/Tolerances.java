package dev.ballast.core.decide;

import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.ControllerSettings;

/**
 * The tolerance band around a usage ratio of 1.0: no change while {@code 1 - down <= ratio <= 1 +
 * up}. Both bounds are inclusive, as in the HPA.
 */
record Tolerances(double down, double up) {

  /** The controller-wide tolerance, overridden per direction by {@code behavior}. */
  static Tolerances of(ControllerSettings controller, Behavior behavior) {
    double down = controller.tolerance();
    double up = controller.tolerance();
    if (behavior != null) {
      if (behavior.scaleDown().tolerance() != null) {
        down = behavior.scaleDown().tolerance();
      }
      if (behavior.scaleUp().tolerance() != null) {
        up = behavior.scaleUp().tolerance();
      }
    }
    return new Tolerances(down, up);
  }

  boolean isWithin(double ratio) {
    return (1.0 - down) <= ratio && ratio <= (1.0 + up);
  }

  String band() {
    return "[" + Fmt.num(1.0 - down) + ", " + Fmt.num(1.0 + up) + "]";
  }
}
