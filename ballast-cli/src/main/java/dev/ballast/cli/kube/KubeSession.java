package dev.ballast.cli.kube;

import dev.ballast.cli.CliException;
import dev.ballast.cli.ExitCodes;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One StatefulAutoscaler reached through the standard kubeconfig (fabric8's autodetection: {@code
 * --kubeconfig}, else {@code $KUBECONFIG}, else {@code ~/.kube/config}, else the in-cluster service
 * account). Every failure of the API server becomes a {@link CliException} with one line: exit 2
 * for what the user can fix (no kubeconfig, unknown context, not found, unauthorized, forbidden
 * with the verb and resource, an unreachable server), exit 1 otherwise.
 */
public final class KubeSession implements AutoCloseable {
  /** Where a pod's service account token is mounted. */
  private static final Path IN_CLUSTER_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  private final AutoscalerRef ref;
  private final KubernetesClient client;
  private final String namespace;
  private final String server;

  private KubeSession(AutoscalerRef ref, Config config) {
    this.ref = ref;
    this.namespace =
        ref.namespace() != null
            ? ref.namespace()
            : config.getNamespace() != null ? config.getNamespace() : "default";
    this.server = config.getMasterUrl();
    this.client = new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Connects (lazily: the first request reaches the server) as the kubeconfig says. */
  public static KubeSession open(AutoscalerRef ref) {
    return new KubeSession(ref, config(ref));
  }

  private static Config config(AutoscalerRef ref) {
    Config config;
    if (ref.kubeconfig() != null) {
      if (!Files.isRegularFile(ref.kubeconfig())) {
        throw CliException.usage(
            "--kubeconfig: no such file: " + ref.kubeconfig() + "; give a kubeconfig file");
      }
      try {
        config =
            Config.fromKubeconfig(
                ref.context(),
                Files.readString(ref.kubeconfig()),
                ref.kubeconfig().toAbsolutePath().toString());
      } catch (IOException | RuntimeException e) {
        throw CliException.usage(
            "--kubeconfig: cannot read " + ref.kubeconfig() + ": " + oneLine(e.getMessage()));
      }
    } else {
      List<String> files = List.copyOf(Config.getKubeconfigFilenames());
      boolean anyFile = files.stream().anyMatch(f -> Files.isRegularFile(Path.of(f)));
      boolean inCluster =
          Files.isRegularFile(IN_CLUSTER_TOKEN) && System.getenv("KUBERNETES_SERVICE_HOST") != null;
      if (!anyFile && !inCluster) {
        throw CliException.usage(
            "no kubeconfig: "
                + (files.isEmpty() ? "~/.kube/config" : String.join(", ", files))
                + " not found and not running in a pod; set KUBECONFIG, pass --kubeconfig FILE,"
                + " or give -f FILE for a local cluster");
      }
      try {
        config = Config.autoConfigure(ref.context());
      } catch (RuntimeException e) {
        throw CliException.usage("kubeconfig: cannot read it: " + oneLine(e.getMessage()));
      }
    }
    if (ref.context() != null
        && (config.getContexts() == null
            || config.getContexts().stream()
                .map(NamedContext::getName)
                .noneMatch(ref.context()::equals))) {
      throw CliException.usage(
          "--context: no context '"
              + ref.context()
              + "' in the kubeconfig; its contexts: "
              + (config.getContexts() == null
                  ? "none"
                  : String.join(
                      ", ", config.getContexts().stream().map(NamedContext::getName).toList())));
    }
    // A CLI answers quickly: no long client-side retries on a server that does not answer.
    return new ConfigBuilder(config)
        .withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(10_000)
        .withRequestTimeout(20_000)
        .build();
  }

  /** The namespace the StatefulAutoscaler lives in. */
  public String namespace() {
    return namespace;
  }

  /** {@code statefulautoscaler NAMESPACE/NAME}, as messages name it. */
  public String display() {
    return "statefulautoscaler " + namespace + "/" + ref.name();
  }

  public String name() {
    return ref.name();
  }

  private Resource<StatefulAutoscaler> resource() {
    return client.resources(StatefulAutoscaler.class).inNamespace(namespace).withName(ref.name());
  }

  /** The StatefulAutoscaler as the server has it now; not found is a usage error. */
  public StatefulAutoscaler get() {
    StatefulAutoscaler sas;
    try {
      sas = resource().get();
    } catch (KubernetesClientException e) {
      throw translate(e, "get statefulautoscalers");
    }
    if (sas == null) {
      throw CliException.usage(display() + " not found");
    }
    return sas;
  }

  /**
   * The StatefulAutoscaler now, or empty when the API server did not answer (no connection, a
   * server error): a wait goes on through a blip; every other failure is thrown as by {@link #get}.
   */
  public Optional<StatefulAutoscaler> getWhileWaiting() {
    try {
      return Optional.of(get());
    } catch (CliException e) {
      if (e.getCause() instanceof KubernetesClientException k
          && (k.getCode() == 0 || k.getCode() >= 500)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Writes {@code spec.replicas} through the StatefulAutoscaler's {@code /scale} subresource (as
   * {@code kubectl scale sas/NAME} and an HPA do); retried when the object changed in between.
   */
  public void scaleTo(int replicas) {
    for (int attempt = 1; ; attempt++) {
      try {
        Scale scale = resource().scale();
        if (scale == null) {
          throw CliException.usage(display() + " not found");
        }
        scale.getSpec().setReplicas(replicas);
        resource().scale(scale);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 && attempt < 5) {
          continue; // the operator patched the status in between: read the Scale again
        }
        throw translate(e, "get and update statefulautoscalers/scale");
      }
    }
  }

  /** One line for a failed request; {@code needs} names the verbs and resource it takes. */
  CliException translate(KubernetesClientException e, String needs) {
    String message =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    CliException out =
        switch (e.getCode()) {
          case 401 ->
              CliException.usage(
                  "unauthorized: the API server at "
                      + server
                      + " refused the kubeconfig's credentials"
                      + (ref.context() == null ? "" : " (context " + ref.context() + ")")
                      + "; log in again or pass --kubeconfig / --context");
          case 403 ->
              CliException.usage("forbidden: " + oneLine(message) + " (this needs: " + needs + ")");
          case 404 -> CliException.usage(display() + " not found");
          case 0 ->
              CliException.usage(
                  "cannot reach the API server at "
                      + server
                      + ": "
                      + oneLine(rootMessage(e))
                      + "; check the kubeconfig's server and --context");
          default ->
              new CliException(
                  ExitCodes.FAILED,
                  "the API server answered " + e.getCode() + ": " + oneLine(message));
        };
    return new CliException(out.exitCode(), out.getMessage(), e);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return Objects.requireNonNullElse(root.getMessage(), root.getClass().getSimpleName());
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }

  @Override
  public void close() {
    client.close();
  }
}
