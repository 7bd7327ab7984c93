package dev.ballast.core.plan;

import java.util.List;

/** What a step does to one member, and the stages it walks through in order. */
public enum StepKind {
  /** Adds the next ordinal. */
  ADD(
      List.of(
          Stage.PREFLIGHT,
          Stage.ANNOUNCE,
          Stage.START,
          Stage.READY,
          Stage.JOIN,
          Stage.VERIFY,
          Stage.PUBLISH)),
  /** Removes the highest ordinal, after handing its data off. */
  REMOVE(
      List.of(
          Stage.PREFLIGHT,
          Stage.DRAIN,
          Stage.DRAINED,
          Stage.LEAVE,
          Stage.STOP,
          Stage.GONE,
          Stage.CLEANUP,
          Stage.VERIFY,
          Stage.PUBLISH)),
  /**
   * Rolls a failed add back: the half-joined member leaves (a no-op when it never joined), stops,
   * and its data is deleted.
   */
  UNDO_ADD(
      List.of(Stage.LEAVE, Stage.STOP, Stage.GONE, Stage.CLEANUP, Stage.VERIFY, Stage.PUBLISH));

  private final List<Stage> stages;

  StepKind(List<Stage> stages) {
    this.stages = stages;
  }

  /** The stages of this kind of step, in execution order. */
  public List<Stage> stages() {
    return stages;
  }

  /** The stage after {@code stage}, or null when {@code stage} is the last one. */
  public Stage next(Stage stage) {
    int i = stages.indexOf(stage);
    if (i < 0) {
      throw new IllegalArgumentException(stage + " is not a stage of a " + this + " step");
    }
    return i + 1 < stages.size() ? stages.get(i + 1) : null;
  }

  /** Whether this kind of step makes the cluster bigger. */
  public boolean grows() {
    return this == ADD;
  }
}
