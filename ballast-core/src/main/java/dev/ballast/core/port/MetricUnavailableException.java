package dev.ballast.core.port;

/** A metric could not be read; the failure policy decides what the autoscaler does then. */
public class MetricUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MetricUnavailableException(String message) {
    super(message);
  }

  public MetricUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
