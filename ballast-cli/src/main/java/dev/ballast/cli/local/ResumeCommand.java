package dev.ballast.cli.local;

import dev.ballast.cli.ExitCodes;
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

/** {@code ballast resume}: continues an interrupted operation from its journal. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Continue the operation a killed or crashed ballast left in the journal, from the stage it"
          + " had saved (that stage's action runs again; every action is idempotent).",
      "Exit codes: 0 nothing to resume, or the cluster is at the target and verified; 1 the"
          + " operation failed; 2 bad cluster file; 3 refused (another ballast process is"
          + " operating the cluster, or the cluster is unhealthy)."
    })
public final class ResumeCommand implements Callable<Integer> {
  @Mixin ClusterFileOption cluster;

  @Mixin ProgressOption progress;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ScaleResult result;
    try (LocalWiring wiring = cluster.exclusive();
        ProgressPrinter printer = progress.open(out, wiring.clock())) {
      LocalClusterControl control = new LocalClusterControl(wiring, printer::onTick);
      control
          .interrupted()
          .ifPresent(
              op ->
                  printer.line(
                      Output.stamped(
                          wiring.clock(), "resuming " + LocalClusterControl.describe(op))));
      // Always through the engine: a journal holding an ended operation (killed before clearing
      // it) gets its bookkeeping finished there.
      result = control.resume(printer);
    } catch (ClusterOperationException e) {
      throw ScaleOutcomes.toCli(e);
    }
    if (result == null) {
      out.println("nothing to resume: no operation is in flight");
      return ExitCodes.OK;
    }
    return ScaleOutcomes.report(result, out);
  }
}
