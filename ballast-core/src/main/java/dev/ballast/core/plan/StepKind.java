package dev.ballast.core.plan;

import java.util.List;
import java.util.Set;

/**
 * What a step does to one member, and the stages it walks through in order. Some stages only exist
 * for systems that move data onto a new member (its fill): for the others they are skipped, so that
 * such a system walks exactly the stages it walked before fills existed.
 */
public enum StepKind {
  /** Adds the next ordinal; a system that needs it fills the new member before VERIFY. */
  ADD(
      List.of(
          Stage.PREFLIGHT,
          Stage.ANNOUNCE,
          Stage.START,
          Stage.READY,
          Stage.JOIN,
          Stage.REBALANCE,
          Stage.REBALANCED,
          Stage.VERIFY,
          Stage.PUBLISH),
      Set.of(Stage.REBALANCE, Stage.REBALANCED)),
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
          Stage.PUBLISH),
      Set.of()),
  /**
   * Rolls a failed add back: a fill in progress is stopped and whatever it moved is drained back
   * off the member (systems that fill only), then the half-joined member leaves (a no-op when it
   * never joined), stops, and its data is deleted.
   */
  UNDO_ADD(
      List.of(
          Stage.CANCEL_REBALANCE,
          Stage.DRAIN,
          Stage.DRAINED,
          Stage.LEAVE,
          Stage.STOP,
          Stage.GONE,
          Stage.CLEANUP,
          Stage.VERIFY,
          Stage.PUBLISH),
      Set.of(Stage.CANCEL_REBALANCE, Stage.DRAIN, Stage.DRAINED));

  private final List<Stage> stages;
  private final List<Stage> withoutFill;

  StepKind(List<Stage> stages, Set<Stage> fillOnly) {
    this.stages = stages;
    this.withoutFill = stages.stream().filter(s -> !fillOnly.contains(s)).toList();
  }

  /** Every stage of this kind of step, in execution order, for a system that fills new members. */
  public List<Stage> stages() {
    return stages;
  }

  /**
   * The stages of this kind of step, in execution order, for a system that fills new members
   * ({@code fills}) or not.
   */
  public List<Stage> stages(boolean fills) {
    return fills ? stages : withoutFill;
  }

  /** The stage after {@code stage} for a system that fills, or null when it is the last one. */
  public Stage next(Stage stage) {
    return next(stage, true);
  }

  /**
   * The stage after {@code stage} for a system that fills new members ({@code fills}) or not, or
   * null when {@code stage} is the last one. A stage a system without fills skips may still be
   * passed (a journal written while the adapter filled): the next one is then the next one it
   * walks.
   */
  public Stage next(Stage stage, boolean fills) {
    int i = stages.indexOf(stage);
    if (i < 0) {
      throw new IllegalArgumentException(stage + " is not a stage of a " + this + " step");
    }
    List<Stage> walked = stages(fills);
    for (int j = i + 1; j < stages.size(); j++) {
      if (walked.contains(stages.get(j))) {
        return stages.get(j);
      }
    }
    return null;
  }

  /** Whether this kind of step makes the cluster bigger. */
  public boolean grows() {
    return this == ADD;
  }
}
