package dev.ballast.core.execute;

import dev.ballast.core.plan.Refusal;

/** The answer to a {@link ScaleRequest}. */
public sealed interface ScaleResponse
    permits ScaleResponse.Accepted,
        ScaleResponse.Refused,
        ScaleResponse.Unchanged,
        ScaleResponse.Retargeted {

  /** An operation was started (or the same request is already running); tick it to completion. */
  record Accepted(Operation operation) implements ScaleResponse {}

  /** A safety rule refused the request; nothing changed. */
  record Refused(Refusal refusal) implements ScaleResponse {}

  /** The cluster already has the requested size. */
  record Unchanged(int replicas, String message) implements ScaleResponse {}

  /**
   * The in-flight operation was changed: a pending removal will be cancelled, a shrink will stop
   * earlier, or a running fill of a new member will be cancelled and its add undone. {@code
   * message} says what happens next.
   */
  record Retargeted(Operation operation, String message) implements ScaleResponse {}
}
