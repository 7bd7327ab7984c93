package dev.ballast.cli.local;

import dev.ballast.cli.CliException;
import dev.ballast.local.ClusterOperationException;
import dev.ballast.local.LocalClusterControl;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.ScaleResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ballast scale}: safe manual scaling of a local cluster. */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description = {
      "Change the size of a local cluster safely: one member at a time, each through the"
          + " membership protocol (add: PREFLIGHT ANNOUNCE START READY JOIN VERIFY PUBLISH;"
          + " remove: PREFLIGHT DRAIN DRAINED LEAVE STOP GONE CLEANUP VERIFY PUBLISH), with the"
          + " journal saved before every action. Prints one line per stage.",
      "If this command is killed, 'ballast resume' continues where it stopped. A failed add"
          + " step is rolled back and the cluster stays at its old size.",
      "A member is removed and stopped only while every remaining voting member answers and is"
          + " in sync; otherwise the step is held (the line names the member to bring back). A"
          + " hold before LEAVE that outlasts the stage timeout cancels the removal; one before"
          + " STOP leaves the operation in flight for 'ballast resume'. Members a lost journal"
          + " left half-added are released first.",
      "Exit codes: 0 the cluster is at N and verified healthy, 1 the operation failed (the"
          + " message says where the cluster was left), 2 bad input, 3 refused by a safety rule"
          + " (size not allowed, below minimum or quorum, shrink disabled, cluster unhealthy,"
          + " another operation in progress, a removal held, a state file that cannot be read,"
          + " running members the member table does not know)."
    })
public final class ScaleCommand implements Callable<Integer> {
  @Mixin ClusterFileOption cluster;

  @Mixin ProgressOption progress;

  @Option(
      names = "--replicas",
      required = true,
      paramLabel = "N",
      description = "The number of members wanted; must satisfy the cluster file's policy.")
  int replicas;

  @Option(
      names = "--wait",
      defaultValue = "true",
      fallbackValue = "true",
      arity = "0..1",
      hidden = true,
      description =
          "Wait until the operation ends (always the case for a local cluster: this process"
              + " drives it).")
  boolean waitForCompletion;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (replicas < 0) {
      throw CliException.usage("--replicas must be 0 or more, was " + replicas);
    }
    PrintWriter out = spec.commandLine().getOut();
    ScaleResult result;
    try (LocalWiring wiring = cluster.exclusive();
        ProgressPrinter printer = progress.open(out, wiring.clock())) {
      result = new LocalClusterControl(wiring, printer::onTick).scale(replicas, printer);
    } catch (ClusterOperationException e) {
      throw ScaleOutcomes.toCli(e);
    }
    return ScaleOutcomes.report(result, out);
  }
}
