package dev.ballast.core.policy;

import java.util.Objects;

/** One rule's change to a proposed size: from {@code before} to {@code after}, and why. */
public record Clamp(ClampReason reason, int before, int after, String message) {
  public Clamp {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
