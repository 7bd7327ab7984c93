package dev.ballast.members.hooks;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a command hook runs: on this machine ({@link LocalCommandExecutor}, the local runtime) or
 * in a pod through the Kubernetes exec API (the operator). {@code command} is already filled in;
 * {@code values} are the member's placeholders, for an executor that picks where to run from them
 * (the member's own pod). Output is returned whole; the caller shortens and redacts it.
 */
@FunctionalInterface
public interface CommandExecutor {

  /** Runs {@code command} for {@code hook}, bounded by the hook's timeout. */
  Outcome run(Hook hook, List<String> command, Map<String, String> values)
      throws InterruptedException;

  /**
   * How a command ended: {@code status}, its exit code (when it exited), its output (stdout and
   * stderr), and {@code where} it ran for messages (e.g. "in pod meta-0"; empty locally).
   */
  record Outcome(Status status, int exitCode, String output, String where) {
    public Outcome {
      Objects.requireNonNull(status, "status");
      output = output == null ? "" : output;
      where = where == null ? "" : where;
    }

    /** The command ran to its end with {@code exitCode}. */
    public static Outcome exited(int exitCode, String output, String where) {
      return new Outcome(Status.EXITED, exitCode, output, where);
    }

    /** The command was still running at the hook's timeout and was ended. */
    public static Outcome timedOut(String output, String where) {
      return new Outcome(Status.TIMED_OUT, -1, output, where);
    }

    /** The command could not be started at all; {@code why} says why. */
    public static Outcome cannotRun(String why, String where) {
      return new Outcome(Status.CANNOT_RUN, -1, why, where);
    }
  }

  /** Whether the command exited, outlived its timeout, or never started. */
  enum Status {
    EXITED,
    TIMED_OUT,
    CANNOT_RUN
  }
}
