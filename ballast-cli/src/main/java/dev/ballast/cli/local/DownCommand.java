package dev.ballast.cli.local;

import dev.ballast.cli.ExitCodes;
import dev.ballast.local.ClusterOperationException;
import dev.ballast.local.LocalClusterControl;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.io.StateFileException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ballast down}: stops a local cluster, optionally deleting its state. */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = {
      "Stop every member of a local cluster (SIGTERM, then SIGKILL after 10s), and any stray"
          + " process started for it.",
      "Without --purge the state directory (member table, data, logs, journal, history) is kept"
          + " and 'ballast up' restarts the same members. An interrupted operation stays in the"
          + " journal: 'ballast up' then 'ballast resume' finish it.",
      "Exit codes: 0 stopped, 2 bad cluster file, 3 another ballast process is operating the"
          + " cluster, or --purge found files Ballast did not create in the state directory"
          + " (nothing is stopped or deleted then)."
    })
public final class DownCommand implements Callable<Integer> {
  @Mixin ClusterFileOption cluster;

  @Option(
      names = "--purge",
      description =
          "Also delete what Ballast created in the state directory: every member's data and"
              + " log, the member table, the journal, the history and the forecast (and the"
              + " directory itself when Ballast created it). Refused, deleting nothing, when the"
              + " directory holds anything else. Cannot be undone.")
  boolean purge;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (LocalWiring wiring = cluster.exclusiveToStop()) {
      LocalClusterControl control = new LocalClusterControl(wiring);
      try {
        control
            .interrupted()
            .filter(op -> !purge)
            .ifPresent(
                op ->
                    out.println(
                        Output.stamped(
                            wiring.clock(),
                            "operation "
                                + LocalClusterControl.describe(op)
                                + " stays in the journal: after 'ballast up', run 'ballast"
                                + " resume'")));
      } catch (StateFileException e) {
        out.println(Output.stamped(wiring.clock(), "warning: " + e.getMessage()));
      }
      List<Integer> stopped;
      try {
        stopped = purge ? control.purge(java.util.Set.of()) : control.down();
      } catch (ClusterOperationException e) {
        throw ScaleOutcomes.toCli(e);
      }
      out.println(
          Output.stamped(
              wiring.clock(),
              "cluster "
                  + wiring.cluster().name()
                  + ": "
                  + (stopped.isEmpty() ? "no member was running" : "stopped members " + stopped)
                  + (purge ? "; purged " + wiring.cluster().stateDir() : "")));
    }
    return ExitCodes.OK;
  }
}
