package dev.ballast.cli.local;

import dev.ballast.cli.CliException;
import dev.ballast.cli.kube.KubeCommands;
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

/** {@code ballast scale}: safe manual scaling of a local cluster or a StatefulAutoscaler. */
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
          + " running members the member table does not know).",
      "Cluster mode ([-n NAMESPACE] NAME): checks the StatefulAutoscaler's policy as above"
          + " (exit 3 when refused, when an operation is in flight, when it is paused, or when it"
          + " autoscales on metrics), then writes spec.replicas through its /scale subresource"
          + " (as kubectl scale sas/NAME does; never the StatefulSet). The operator makes the"
          + " change one member at a time. With --wait, follows the status with the same lines"
          + " per stage and the same exit codes; without, returns once the size is written."
          + " Errors such as not found, no kubeconfig or forbidden exit 2 with one line.",
      "Cluster mode: [-n NAMESPACE] NAME (or sas/NAME) names a StatefulAutoscaler in the"
          + " cluster of your kubeconfig (--kubeconfig, else $KUBECONFIG, else ~/.kube/config,"
          + " else the pod's service account; --context picks a context). Local mode: -f FILE."
          + " Give one of the two."
    })
public final class ScaleCommand implements Callable<Integer> {
  @Mixin ClusterOrAutoscaler target;

  @Mixin ProgressOption progress;

  @Option(
      names = "--replicas",
      required = true,
      paramLabel = "N",
      description =
          "The number of members wanted; must satisfy the policy of the cluster file or of the"
              + " StatefulAutoscaler.")
  int replicas;

  @Mixin WaitOption waitOption;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (replicas < 0) {
      throw CliException.usage("--replicas must be 0 or more, was " + replicas);
    }
    PrintWriter out = spec.commandLine().getOut();
    var autoscaler = target.autoscaler();
    if (autoscaler.isPresent()) {
      return KubeCommands.scale(
          autoscaler.get(),
          java.util.OptionalInt.of(replicas),
          waitOption.waitForCompletion,
          waitOption.timeout(),
          w -> progress.open(w, java.time.Clock.systemDefaultZone()),
          out);
    }
    ScaleResult result;
    try (LocalWiring wiring = target.local().exclusive();
        ProgressPrinter printer = progress.open(out, wiring.clock())) {
      result = new LocalClusterControl(wiring, printer::onTick).scale(replicas, printer);
    } catch (ClusterOperationException e) {
      throw ScaleOutcomes.toCli(e);
    }
    return ScaleOutcomes.report(result, out);
  }
}
