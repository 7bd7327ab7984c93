package dev.ballast.cli;

/**
 * An expected failure with its exit code and a one-line message for the user. Thrown by
 * subcommands; printed by {@link ExitCodes} without a stack trace.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Bad usage or input: exit code 2. */
  public static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message);
  }

  /** A safety rule refused the request: exit code 3. */
  public static CliException refused(String message) {
    return new CliException(ExitCodes.REFUSED, message);
  }

  /** The operation failed: exit code 1. */
  public static CliException failed(String message) {
    return new CliException(ExitCodes.FAILED, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
