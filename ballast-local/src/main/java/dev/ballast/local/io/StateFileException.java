package dev.ballast.local.io;

import java.nio.file.Path;

/**
 * A state file of a local cluster (the member table, the operation journal) that cannot be read:
 * truncated, not JSON, or unreadable. The message is one line naming the file, what is wrong with
 * it and the way out; the commands print it without a stack trace.
 */
public final class StateFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;

  public StateFileException(Path file, String message, Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  /** The file that cannot be read. */
  public Path file() {
    return file;
  }

  /** The first line of a parser's message (Jackson appends the source and a location). */
  public static String firstLine(Throwable e) {
    String m =
        e instanceof com.fasterxml.jackson.core.JsonProcessingException j
            ? j.getOriginalMessage()
            : e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }
}
