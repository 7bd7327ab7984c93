package dev.ballast.cli.local;

import dev.ballast.cli.CliException;
import dev.ballast.cli.kube.AutoscalerOptions;
import dev.ballast.cli.kube.AutoscalerRef;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the commands that work in both modes act on: a local cluster ({@code -f FILE}) or a
 * StatefulAutoscaler in the cluster of the user's kubeconfig ({@code [-n NAMESPACE] NAME}, {@code
 * --context}, {@code --kubeconfig}). Exactly one of the two must be given.
 */
public final class ClusterOrAutoscaler {
  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description =
          "Local mode: the local cluster file (YAML, kind LocalCluster), e.g."
              + " examples/local/zookeeper.yaml.")
  Path file;

  @Option(
      names = "--component",
      paramLabel = "NAME",
      description =
          "Local mode, for a file with spec.components (several components of one system, e.g."
              + " meta and chunk servers): the component to address. Components change one at a"
              + " time: a command that would change one waits while another changes, and says"
              + " why.")
  String component;

  @Mixin AutoscalerOptions autoscaler;

  /** The StatefulAutoscaler named, or empty for a local cluster; exit 2 when neither or both. */
  public Optional<AutoscalerRef> autoscaler() {
    boolean kube = autoscaler.selected();
    if (kube && component != null) {
      throw CliException.usage(
          "--component: only for a local cluster file (-f FILE); a StatefulAutoscaler is one"
              + " component");
    }
    if (kube && file != null) {
      throw CliException.usage(
          "-f: give either -f FILE (a local cluster) or [-n NAMESPACE] NAME (a"
              + " StatefulAutoscaler in a Kubernetes cluster), not both");
    }
    if (!kube && file == null) {
      throw CliException.usage(
          "missing what to act on: give -f FILE for a local cluster, or [-n NAMESPACE] NAME for a"
              + " StatefulAutoscaler in the cluster of your kubeconfig");
    }
    return kube ? Optional.of(autoscaler.ref()) : Optional.empty();
  }

  /** The local cluster file option (after {@link #autoscaler()} returned empty). */
  public ClusterFileOption local() {
    return ClusterFileOption.of(file, component);
  }
}
