package dev.ballast.core.plan;

import java.util.Objects;

/**
 * One single-member change: {@code kind} applied to member {@code ordinal}, taking the cluster from
 * {@code sizeBefore} to {@code sizeAfter} members (they always differ by exactly one).
 */
public record Step(StepKind kind, int ordinal, int sizeBefore, int sizeAfter) {
  public Step {
    Objects.requireNonNull(kind, "kind");
    if (ordinal < 0) {
      throw new IllegalArgumentException("ordinal must be >= 0, was " + ordinal);
    }
    int expectedAfter = kind.grows() ? sizeBefore + 1 : sizeBefore - 1;
    if (sizeAfter != expectedAfter || sizeAfter < 0) {
      throw new IllegalArgumentException(
          kind + " step must change the size by one, was " + sizeBefore + " -> " + sizeAfter);
    }
    int expectedOrdinal = kind.grows() ? sizeBefore : sizeAfter;
    if (ordinal != expectedOrdinal) {
      throw new IllegalArgumentException(
          kind
              + " step from "
              + sizeBefore
              + " members must touch ordinal "
              + expectedOrdinal
              + ", was "
              + ordinal);
    }
  }

  /** Adds member {@code ordinal}, the next one after ordinals 0..ordinal-1. */
  public static Step add(int ordinal) {
    return new Step(StepKind.ADD, ordinal, ordinal, ordinal + 1);
  }

  /** Removes member {@code ordinal}, the highest one. */
  public static Step remove(int ordinal) {
    return new Step(StepKind.REMOVE, ordinal, ordinal + 1, ordinal);
  }

  /** Rolls back the addition of member {@code ordinal}. */
  public static Step undoAdd(int ordinal) {
    return new Step(StepKind.UNDO_ADD, ordinal, ordinal + 1, ordinal);
  }

  /** The first stage of this step. */
  public Stage firstStage() {
    return kind.stages().get(0);
  }

  /** The first stage of this step for a system that fills new members ({@code fills}) or not. */
  public Stage firstStage(boolean fills) {
    return kind.stages(fills).get(0);
  }
}
