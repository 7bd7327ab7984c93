package dev.ballast.cli.local;

import dev.ballast.cli.CliException;
import dev.ballast.cli.ExitCodes;
import dev.ballast.core.history.Outcome;
import dev.ballast.local.ClusterOperationException;
import dev.ballast.local.ScaleResult;
import java.io.PrintWriter;

/** Turns a scale, resume or rollback result into the last lines and the exit code. */
final class ScaleOutcomes {
  private ScaleOutcomes() {}

  static CliException toCli(ClusterOperationException e) {
    return new CliException(e.refused() ? ExitCodes.REFUSED : ExitCodes.FAILED, e.getMessage());
  }

  /** Prints the result; returns 0 only when the cluster is verified at the target size. */
  static int report(ScaleResult result, PrintWriter out) {
    StatusText.lines(result.status()).forEach(out::println);
    if (result.verified()) {
      out.println(result.message());
      return ExitCodes.OK;
    }
    if (result.outcome() == Outcome.BLOCKED
        || result.outcome() == Outcome.REFUSED
        || result.outcome() == Outcome.IN_PROGRESS) {
      // IN_PROGRESS: a removal held by the safety rule outlasted its stage; resume finishes it.
      throw CliException.refused(result.message());
    }
    throw CliException.failed(result.message());
  }
}
