package dev.ballast.cli;

import dev.ballast.cli.local.ClusterExplainer;
import dev.ballast.cli.local.ClusterFileOption;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ballast explain}: every number behind a decision, for a snapshot (the HPA's arithmetic, as
 * {@code recommend --explain}) or for a running local cluster (one sync of {@code ballast run},
 * without acting: HPA, reactive and predictive proposals, failure policy, stateful rules).
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Explain a decision step by step, with every number a calculator needs.",
      "--snapshot FILE: what the Kubernetes HPA decides for a snapshot and why (the same"
          + " breakdown as 'ballast recommend --explain').",
      "-f CLUSTER.yaml: what 'ballast run' would decide for a running local cluster now. Reads"
          + " the members' metrics as one sync does (twice, --rate-interval apart, so that rates"
          + " have a value) and prints each metric's numbers and the HPA proposal, the reactive"
          + " and predictive (scale-ahead) proposals side by side with the forecast peak, the"
          + " horizon (learned join time + syncPeriod) and where the join time comes from, the"
          + " failure policy, the stateful rules (minReplicas, maxReplicas, allowedReplicas,"
          + " scaleDown.policy) and the final desired size. Only looks: starts no operation,"
          + " writes no history, works while 'ballast run' drives the cluster. The HPA memory"
          + " (stabilization) starts empty, as in the first sync of a new 'run'.",
      "[-n NAMESPACE] NAME (cluster mode): the last decision of a StatefulAutoscaler with its"
          + " reasons, as the operator recorded them in its status: the size rule (spec.replicas"
          + " or metrics with their current/target values), current and desired size, the newest"
          + " decision, refusal or metrics outage record and its reasons, how the last operation"
          + " ended, the conditions. The per-metric arithmetic is not kept in the status. Uses"
          + " the kubeconfig as kubectl does (--kubeconfig, --context). JSON (-o json):"
          + " {\"autoscaler\", \"reference\", \"mode\", \"replicas\", \"desiredReplicas\","
          + " \"targets\", \"currentMetrics\", \"lastDecision\", \"lastOperation\","
          + " \"conditions\"}.",
      "JSON (-o json) for -f: {\"cluster\", \"time\", \"members\", \"hpa\" (the decision and its"
          + " \"explanation\" lines), \"reactive\", \"prediction\" (null when off or not warmed"
          + " up), \"combined\", \"metricsState\", \"failurePolicy\", \"rules\", \"proposedReplicas\","
          + " \"desiredReplicas\", \"reasons\"}."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:explained",
      "2:bad usage, a bad snapshot or cluster file, a cluster that is not up, or a"
          + " StatefulAutoscaler not found, forbidden or without a kubeconfig"
    })
public final class ExplainCommand implements Callable<Integer> {

  /** Exactly one of the two sources. */
  static final class Source {
    @Option(
        names = "--snapshot",
        required = true,
        paramLabel = "FILE",
        description = "A snapshot file (.json, .yaml) to explain.")
    Path snapshot;

    @Option(
        names = {"-f", "--file"},
        required = true,
        paramLabel = "FILE",
        description =
            "A local cluster file (YAML, kind LocalCluster) whose running cluster to explain,"
                + " e.g. examples/local/zookeeper.yaml.")
    Path cluster;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Source source;

  @picocli.CommandLine.Mixin dev.ballast.cli.kube.AutoscalerOptions autoscaler;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (default) or json.")
  RecommendCommand.Format output;

  @Option(
      names = "--rate-interval",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = dev.ballast.cli.local.DurationConverter.class,
      description =
          "With -f: time between the two reads of the metrics, so that a rate (rate(...) of a"
              + " counter, cpu) has a value (default: ${DEFAULT-VALUE}; 0s reads once).")
  Duration rateInterval;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (autoscaler.selected()) {
      if (source != null) {
        throw CliException.usage(
            (source.snapshot != null ? "--snapshot" : "-f")
                + ": give one of --snapshot FILE, -f FILE or [-n NAMESPACE] NAME, not several");
      }
      dev.ballast.cli.kube.KubeCommands.explain(
          autoscaler.ref(), output == RecommendCommand.Format.json, out);
      return ExitCodes.OK;
    }
    if (source == null) {
      throw CliException.usage(
          "missing what to explain: give --snapshot FILE, -f FILE (a local cluster) or [-n"
              + " NAMESPACE] NAME (a StatefulAutoscaler)");
    }
    if (source.snapshot != null) {
      Path file = source.snapshot;
      if (Files.isDirectory(file)) {
        throw CliException.usage(
            "--snapshot: explain takes one file, "
                + file
                + " is a directory; use 'ballast recommend --snapshot DIR' for a directory");
      }
      if (!Files.isRegularFile(file)) {
        throw CliException.usage("--snapshot: no such file: " + file);
      }
      RecommendCommand.printOne(file, output, true, out);
      return ExitCodes.OK;
    }
    if (rateInterval.isNegative()) {
      throw CliException.usage("--rate-interval: must be 0s or more, was " + rateInterval);
    }
    ClusterExplainer.explain(
        ClusterFileOption.of(source.cluster),
        rateInterval,
        output == RecommendCommand.Format.json,
        out);
    return ExitCodes.OK;
  }
}
