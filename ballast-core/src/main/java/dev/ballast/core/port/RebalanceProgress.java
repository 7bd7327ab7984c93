package dev.ballast.core.port;

/**
 * Progress of filling a new member with its share of the data: {@code moved} of {@code total} units
 * (hash slots, partitions, queue replicas: {@code message} names them), {@code done} only when the
 * application has confirmed that the member holds its share.
 */
public record RebalanceProgress(boolean done, long moved, long total, String message) {
  public RebalanceProgress {
    if (moved < 0 || total < 0 || moved > total) {
      throw new IllegalArgumentException(
          "moved must be in [0, total], was " + moved + " of " + total);
    }
    message = message == null ? "" : message;
  }

  /** A fill that has finished after moving {@code total} units. */
  public static RebalanceProgress complete(long total, String message) {
    return new RebalanceProgress(true, total, total, message);
  }

  /** A fill still running: {@code moved} of {@code total} so far. */
  public static RebalanceProgress moving(long moved, long total, String message) {
    return new RebalanceProgress(false, moved, total, message);
  }

  /** For progress output: "120/1000 moved (12%): hash slots". */
  public String describe() {
    String counts =
        total == 0
            ? "nothing to move"
            : String.format(
                java.util.Locale.ROOT, "%d/%d moved (%.0f%%)", moved, total, 100.0 * moved / total);
    return message.isEmpty() ? counts : counts + ": " + message;
  }
}
