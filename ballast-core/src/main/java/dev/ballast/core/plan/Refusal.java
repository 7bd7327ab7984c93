package dev.ballast.core.plan;

import java.util.Objects;

/**
 * A request a safety rule refused, with a message that says what was wrong and what is allowed, for
 * example "4 is not an allowed size; allowed sizes are 3, 5, 7".
 */
public record Refusal(RefusalReason reason, String message) {
  public Refusal {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
