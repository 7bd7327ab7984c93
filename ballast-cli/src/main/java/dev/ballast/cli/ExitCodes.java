package dev.ballast.cli;

import dev.ballast.local.io.StateFileException;
import picocli.CommandLine;

/**
 * Ballast's exit codes and the handlers that map failures onto them: 0 success, 1 the operation
 * failed (the cluster was left at a stated, healthy size), 2 bad usage or input, 3 a safety rule
 * refused the request (also: a state file such as the journal cannot be read). Expected failures
 * print one line to stderr, never a stack trace.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int REFUSED = 3;

  private ExitCodes() {}

  static int forException(Throwable t) {
    if (t instanceof CliException e) {
      return e.exitCode();
    }
    if (t instanceof CommandLine.ParameterException) {
      return USAGE;
    }
    return FAILED;
  }

  static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    cmd.getErr().println("ballast: " + ex.getMessage());
    cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
    return USAGE;
  }

  static int handleExecutionException(
      Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
    if (ex instanceof CliException e) {
      cmd.getErr().println("ballast: " + e.getMessage());
      return e.exitCode();
    }
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof StateFileException e) {
        // A state file Ballast cannot trust: refuse to act on it, saying which and the way out.
        cmd.getErr().println("ballast: " + e.getMessage());
        return REFUSED;
      }
    }
    // An unexpected failure: one line by default, the stack trace only when asked for.
    cmd.getErr().println("ballast: unexpected error: " + ex);
    if (Boolean.getBoolean("ballast.debug")) {
      ex.printStackTrace(cmd.getErr());
    } else {
      cmd.getErr().println("(run with JAVA_OPTS=-Dballast.debug=true for the stack trace)");
    }
    return FAILED;
  }
}
