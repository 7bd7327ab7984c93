package dev.ballast.cli.local;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.cli.CliException;
import dev.ballast.cli.ExitCodes;
import dev.ballast.cli.kube.KubeCommands;
import dev.ballast.local.ClusterStatus;
import dev.ballast.local.LocalClusterControl;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.Durations;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ballast status}: members, roles, health and the in-flight operation of a local cluster, or
 * a StatefulAutoscaler's status.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a local cluster: its size, each member's process, client address, role and health as"
          + " the membership adapter reports them, and the in-flight operation with its stage.",
      "Show a StatefulAutoscaler (cluster mode): its target, phase, replicas and desired size,"
          + " the size rule (spec.replicas or metrics; min, max, allowed), the in-flight operation"
          + " from the status journal, and the conditions. JSON (-o json): {\"namespace\","
          + " \"name\", \"reference\", \"phase\", \"replicas\", \"desiredReplicas\", \"spec\","
          + " \"conditions\", \"operation\", ...}.",
      "Cluster mode: [-n NAMESPACE] NAME (or sas/NAME) names a StatefulAutoscaler in the"
          + " cluster of your kubeconfig (--kubeconfig, else $KUBECONFIG, else ~/.kube/config,"
          + " else the pod's service account; --context picks a context). Local mode: -f FILE."
          + " Give one of the two.",
      "JSON (-o json): {\"replicas\", \"healthy\", \"leader\", \"members\": [{\"ordinal\","
          + " \"clientPort\", \"role\", \"healthy\", ...}], \"operation\": null or the journal}.",
      "A state file that cannot be read, or running members the member table does not know,"
          + " are shown as 'problem:' lines (JSON: \"problems\") with the members their processes'"
          + " own markers tell.",
      "Reads only: works while another ballast process operates the cluster."
    })
public final class StatusCommand implements Callable<Integer> {
  @Mixin ClusterOrAutoscaler target;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "text",
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Output.Format format;

  @Option(
      names = {"-w", "--watch"},
      description = "Print the status again every --interval until interrupted (Ctrl-C).")
  boolean watch;

  @Option(
      names = "--interval",
      defaultValue = "2s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Time between two prints with --watch, at least 100ms (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Spec CommandSpec spec;

  static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  @Override
  public Integer call() throws Exception {
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      // Every print reads the state files and asks each member: a shorter pause only spins.
      throw CliException.usage(
          "--interval: must be at least 100ms, was " + Durations.format(interval));
    }
    PrintWriter out = spec.commandLine().getOut();
    var autoscaler = target.autoscaler();
    if (autoscaler.isPresent()) {
      try (KubeCommands.StatusReader reader = KubeCommands.statusReader(autoscaler.get())) {
        print(reader::read, Clock.systemDefaultZone(), out);
      }
      return ExitCodes.OK;
    }
    try (LocalWiring wiring = target.local().readOnly()) {
      LocalClusterControl control = new LocalClusterControl(wiring);
      print(
          () -> {
            ClusterStatus status = control.status();
            return new Snapshot(status, StatusText.lines(status));
          },
          wiring.clock(),
          out);
    }
    return ExitCodes.OK;
  }

  /** One look at a cluster: the JSON document and the text lines that show it. */
  public record Snapshot(Object json, List<String> lines) {}

  /** Prints {@code read}'s snapshot once, or every --interval with --watch. */
  private void print(Callable<Snapshot> read, Clock clock, PrintWriter out) throws Exception {
    do {
      Snapshot snapshot = read.call();
      if (format == Output.Format.json) {
        out.println(
            watch
                ? Output.JSON
                    .writer()
                    .without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(snapshot.json())
                : Output.JSON.writeValueAsString(snapshot.json()));
      } else {
        if (watch) {
          out.println(Output.stamped(clock, ""));
        }
        snapshot.lines().forEach(out::println);
        if (watch) {
          out.println();
        }
      }
      out.flush();
      if (watch) {
        Thread.sleep(interval.toMillis());
      }
    } while (watch);
  }
}
