package dev.ballast.local;

/**
 * A local cluster operation that could not be done, with a one-line message for the user saying
 * where the cluster was left; {@code refused} when a safety rule, not a failure, stopped it.
 */
public final class ClusterOperationException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean refused;

  private ClusterOperationException(String message, boolean refused) {
    super(message);
    this.refused = refused;
  }

  public static ClusterOperationException failed(String message) {
    return new ClusterOperationException(message, false);
  }

  public static ClusterOperationException refused(String message) {
    return new ClusterOperationException(message, true);
  }

  /** Whether a safety rule refused the request (exit code 3) rather than the operation failing. */
  public boolean refused() {
    return refused;
  }
}
