package dev.ballast.core.execute;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@code tick()} did: the operation as it now stands (empty when none is in flight),
 * whether it moved to another stage or ended, and how long the caller may wait before the next tick
 * is useful ({@link Duration#ZERO} after progress). {@code held}: a removal is held before LEAVE or
 * STOP because a remaining voting member does not answer or is behind (the operation's {@code
 * lastError} says which); it goes on by itself once they are back.
 */
public record Progress(
    Optional<Operation> operation, boolean advanced, Duration nextTick, boolean held) {
  public Progress {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(nextTick, "nextTick");
  }

  public Progress(Optional<Operation> operation, boolean advanced, Duration nextTick) {
    this(operation, advanced, nextTick, false);
  }

  static Progress idle() {
    return new Progress(Optional.empty(), false, Duration.ZERO);
  }

  static Progress advanced(Operation operation) {
    return new Progress(Optional.of(operation), true, Duration.ZERO);
  }

  static Progress waiting(Operation operation, Duration nextTick) {
    return new Progress(Optional.of(operation), false, nextTick);
  }

  static Progress held(Operation operation, Duration nextTick) {
    return new Progress(Optional.of(operation), false, nextTick, true);
  }

  /** Whether no operation is in flight and none just ended. */
  public boolean isIdle() {
    return operation.isEmpty();
  }

  /** Whether the operation ended on this tick (see its outcome). */
  public boolean finished() {
    return operation.map(Operation::finished).orElse(false);
  }
}
