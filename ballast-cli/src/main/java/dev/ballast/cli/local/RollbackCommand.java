package dev.ballast.cli.local;

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
import picocli.CommandLine.Spec;

/**
 * {@code ballast rollback}: back to the size before the last completed operation, of a local
 * cluster or a StatefulAutoscaler.
 */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Return a local cluster to the size it had before the last completed scaling operation,"
          + " through the same safe path as 'ballast scale' (the policy still applies).",
      "Exit codes: 0 the cluster is back and verified, 1 the operation failed, 2 bad cluster"
          + " file, 3 refused (nothing to roll back, an operation in progress, or a safety"
          + " rule).",
      "Cluster mode ([-n NAMESPACE] NAME): the size before the last completed operation comes"
          + " from the StatefulAutoscaler's status history (the newest succeeded operation among"
          + " its last 20 records; none there: exit 3). It is then asked for exactly as 'ballast"
          + " scale' does, through /scale, with the same checks; the operator has no rollback"
          + " request of its own, so its history records it as a manual request for that size."
          + " --wait follows it.",
      "Cluster mode: [-n NAMESPACE] NAME (or sas/NAME) names a StatefulAutoscaler in the"
          + " cluster of your kubeconfig (--kubeconfig, else $KUBECONFIG, else ~/.kube/config,"
          + " else the pod's service account; --context picks a context). Local mode: -f FILE."
          + " Give one of the two."
    })
public final class RollbackCommand implements Callable<Integer> {
  @Mixin ClusterOrAutoscaler target;

  @Mixin WaitOption waitOption;

  @Mixin ProgressOption progress;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    var autoscaler = target.autoscaler();
    if (autoscaler.isPresent()) {
      return KubeCommands.scale(
          autoscaler.get(),
          java.util.OptionalInt.empty(),
          waitOption.waitForCompletion,
          waitOption.timeout(),
          w -> progress.open(w, java.time.Clock.systemDefaultZone()),
          out);
    }
    ScaleResult result;
    try (LocalWiring wiring = target.local().exclusive();
        ProgressPrinter printer = progress.open(out, wiring.clock())) {
      result = new LocalClusterControl(wiring, printer::onTick).rollback(printer);
    } catch (ClusterOperationException e) {
      throw ScaleOutcomes.toCli(e);
    }
    return ScaleOutcomes.report(result, out);
  }
}
