package dev.ballast.core.history;

/** Who asked for a change: a person, the autoscaler, or a rollback (manual or automatic). */
public enum Trigger {
  MANUAL,
  AUTO,
  ROLLBACK
}
