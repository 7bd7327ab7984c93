package dev.ballast.operator;

import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator wired in one place: the Kubernetes client, the Micrometer registry and HTTP
 * endpoints, the reconciler, and the Java Operator SDK with leader election on a Lease (so several
 * replicas can run; one reconciles) and the namespaces to watch.
 */
public final class OperatorWiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorWiring.class);

  /** The Lease the replicas elect a leader on. */
  public static final String LEASE_NAME = "ballast-operator";

  /** How the operator is configured (flags or environment, read by {@link OperatorMain}). */
  public record Settings(
      Optional<String> leaseNamespace,
      Set<String> namespaces,
      String httpAddress,
      int httpPort,
      String identity) {
    public Settings {
      Objects.requireNonNull(leaseNamespace, "leaseNamespace");
      Objects.requireNonNull(httpAddress, "httpAddress");
      namespaces = Set.copyOf(namespaces);
    }
  }

  private final Operator operator;
  private final HealthServer http;
  private final StatefulAutoscalerReconciler reconciler;
  private volatile boolean started;

  public OperatorWiring(KubernetesClient client, Settings settings, Clock clock)
      throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorMetrics metrics = new OperatorMetrics(registry);
    KubernetesEvents events = new KubernetesEvents(client, clock, "ballast-operator");
    this.reconciler = new StatefulAutoscalerReconciler(client, clock, events, metrics);
    this.operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client);
              settings
                  .leaseNamespace()
                  .ifPresent(
                      ns ->
                          o.withLeaderElectionConfiguration(
                              new LeaderElectionConfiguration(
                                  LEASE_NAME, ns, settings.identity())));
            });
    operator.register(
        reconciler,
        c -> {
          if (!settings.namespaces().isEmpty()) {
            c.settingNamespaces(settings.namespaces());
          }
        });
    this.http =
        new HealthServer(settings.httpAddress(), settings.httpPort(), registry, () -> started);
  }

  /** Starts the informers and, once leader, the reconciler. */
  public void start() {
    operator.start();
    started = true;
    LOG.info("action=started crd={} port={}", StatefulAutoscaler.CRD_NAME, http.port());
  }

  /** The port of /metrics, /healthz, /readyz. */
  public int httpPort() {
    return http.port();
  }

  /** The reconciler (tests read what it manages). */
  StatefulAutoscalerReconciler reconciler() {
    return reconciler;
  }

  @Override
  public void close() {
    try {
      operator.stop();
    } finally {
      http.close();
    }
  }
}
