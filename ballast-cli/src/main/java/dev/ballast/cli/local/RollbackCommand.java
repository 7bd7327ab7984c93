package dev.ballast.cli.local;

import dev.ballast.local.ClusterOperationException;
import dev.ballast.local.LocalClusterControl;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.ScaleResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ballast rollback}: back to the size before the last completed operation. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Return a local cluster to the size it had before the last completed scaling operation,"
          + " through the same safe path as 'ballast scale' (the policy still applies).",
      "Exit codes: 0 the cluster is back and verified, 1 the operation failed, 2 bad cluster"
          + " file, 3 refused (nothing to roll back, an operation in progress, or a safety"
          + " rule)."
    })
public final class RollbackCommand implements Callable<Integer> {
  @Mixin ClusterFileOption cluster;

  @Mixin ProgressOption progress;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ScaleResult result;
    try (LocalWiring wiring = cluster.exclusive();
        ProgressPrinter printer = progress.open(out, wiring.clock())) {
      result = new LocalClusterControl(wiring, printer::onTick).rollback(printer);
    } catch (ClusterOperationException e) {
      throw ScaleOutcomes.toCli(e);
    }
    return ScaleOutcomes.report(result, out);
  }
}
