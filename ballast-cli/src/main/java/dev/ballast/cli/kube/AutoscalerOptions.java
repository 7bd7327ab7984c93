package dev.ballast.cli.kube;

import dev.ballast.cli.CliException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options that name a StatefulAutoscaler in the cluster of the user's kubeconfig ({@code [-n
 * NAMESPACE] NAME}, {@code --context}, {@code --kubeconfig}); giving any of them selects the
 * cluster mode of a command that also works on a local cluster file.
 */
public final class AutoscalerOptions {
  /** How kubectl may spell the resource before {@code /NAME}. */
  private static final Set<String> RESOURCE_NAMES =
      Set.of(
          "sas",
          "statefulautoscaler",
          "statefulautoscalers",
          "statefulautoscaler.ballast.dev",
          "statefulautoscalers.ballast.dev");

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description =
          "Cluster mode: the StatefulAutoscaler's namespace (default: the kubeconfig context's"
              + " namespace, else default).")
  String namespace;

  @Option(
      names = "--context",
      paramLabel = "CONTEXT",
      description = "Cluster mode: the kubeconfig context to use (default: its current-context).")
  String context;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Cluster mode: the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else the"
              + " pod's service account when run in a cluster).")
  Path kubeconfig;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "NAME",
      description =
          "Cluster mode: the StatefulAutoscaler (NAME or sas/NAME, kind StatefulAutoscaler,"
              + " ballast.dev/v1alpha1) to act on, in the cluster of your kubeconfig.")
  String name;

  /** Whether any cluster-mode option was given. */
  public boolean selected() {
    return name != null || namespace != null || context != null || kubeconfig != null;
  }

  /** The StatefulAutoscaler named; a usage error (exit 2) when the name is missing or wrong. */
  public AutoscalerRef ref() {
    if (name == null || name.isBlank()) {
      throw CliException.usage(
          "NAME: required in cluster mode; give the StatefulAutoscaler's name, e.g. 'ballast"
              + " status -n NAMESPACE NAME' (a local cluster takes -f FILE instead)");
    }
    String n = name;
    int slash = n.indexOf('/');
    if (slash >= 0) {
      String resource = n.substring(0, slash).toLowerCase(Locale.ROOT);
      if (!RESOURCE_NAMES.contains(resource)) {
        throw CliException.usage(
            "NAME: "
                + name
                + " is not a StatefulAutoscaler; give NAME or sas/NAME (Ballast acts on the"
                + " StatefulAutoscaler, which names its target)");
      }
      n = n.substring(slash + 1);
    }
    if (!n.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || n.length() > 253) {
      throw CliException.usage(
          "NAME: '" + n + "' is not a Kubernetes object name (lower case letters, digits, '-')");
    }
    return new AutoscalerRef(namespace, n, context, kubeconfig);
  }
}
