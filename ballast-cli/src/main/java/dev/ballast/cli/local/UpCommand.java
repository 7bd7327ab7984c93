package dev.ballast.cli.local;

import dev.ballast.cli.CliException;
import dev.ballast.cli.ExitCodes;
import dev.ballast.local.ClusterOperationException;
import dev.ballast.local.ClusterStatus;
import dev.ballast.local.LocalClusterControl;
import dev.ballast.local.LocalWiring;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ballast up}: creates and starts a local cluster and waits until it is healthy. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Create and start a local cluster, then wait until every member is healthy.",
      "A new cluster gets spec.replicas members, each a detached process with its own ports,"
          + " data directory and log under spec.stateDir. A cluster that exists (stopped by"
          + " 'ballast down') restarts with the members and data it had.",
      "Exit codes: 0 healthy, 1 not healthy in time, 2 bad cluster file, 3 another ballast"
          + " process is operating the cluster, a state file cannot be read, or members of the"
          + " cluster run that the member table does not know (stop them with 'ballast down')."
    })
public final class UpCommand implements Callable<Integer> {
  @Mixin ClusterFileOption cluster;

  @Option(
      names = "--timeout",
      defaultValue = "2m",
      converter = DurationConverter.Positive.class,
      paramLabel = "DURATION",
      description =
          "How long to wait for the cluster to become healthy (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ClusterStatus status;
    try (LocalWiring wiring = cluster.exclusive()) {
      status =
          new LocalClusterControl(wiring)
              .up(timeout, line -> out.println(Output.stamped(wiring.clock(), line)));
    } catch (ClusterOperationException e) {
      throw new CliException(e.refused() ? ExitCodes.REFUSED : ExitCodes.FAILED, e.getMessage());
    }
    StatusText.lines(status).forEach(out::println);
    return ExitCodes.OK;
  }
}
