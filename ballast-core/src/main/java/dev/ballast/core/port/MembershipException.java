package dev.ballast.core.port;

/**
 * The application refused a membership change or could not be reached. The message says which
 * member and what the application answered; the executor records it and retries or rolls back.
 */
public class MembershipException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MembershipException(String message) {
    super(message);
  }

  public MembershipException(String message, Throwable cause) {
    super(message, cause);
  }
}
