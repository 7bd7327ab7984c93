package dev.ballast.cli.local;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --wait} and {@code --timeout} of {@code scale} and {@code rollback}. A local cluster is
 * always waited for (this process drives it); in cluster mode {@code --wait} follows the
 * StatefulAutoscaler's status until the operation ends, at most {@code --timeout}.
 */
public final class WaitOption {
  @Option(
      names = "--wait",
      description =
          "Cluster mode: wait until the operator has finished the operation, printing a line per"
              + " stage as for a local cluster; the exit code then says how it ended (0 done, 1"
              + " failed, 3 refused or held). A local cluster is always waited for: this process"
              + " drives it.")
  boolean waitForCompletion;

  @Option(
      names = "--timeout",
      defaultValue = "15m",
      converter = DurationConverter.Positive.class,
      paramLabel = "DURATION",
      description =
          "Cluster mode with --wait: the longest wait (default: ${DEFAULT-VALUE}); then exit 1"
              + " naming the stage in flight (the operator goes on).")
  Duration timeout;

  Duration timeout() {
    return timeout;
  }
}
