package dev.ballast.operator.controlplane;

import static dev.ballast.operator.controlplane.RealControlPlane.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.k8s.testkit.IdlePodRunner;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.operator.OperatorWiring;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The running operator (JOSDK and its informers) on a real control plane, in this JVM with
 * deploy/install.yaml's ServiceAccount (the API server enforces its RBAC), its own client counting
 * every request it sends. Once its StatefulAutoscalers have reached their size, a reconcile reads
 * the targets, their pods and the Nodes from informer caches and, with nothing changed, sends
 * nothing: neither on a pod event nor at the sync period. The targets: a StatefulSet, a Deployment,
 * a custom resource whose CRD keeps its {@code /scale} replicas at {@code .spec.size} (its cache
 * must read that path), and a StatefulSet the node count grows 1 → 2 ({@code sizeByNodes}; the
 * Nodes from a cache, read at each sync, but the HPA's default cpu metric is still read from {@code
 * metrics.k8s.io}). A second custom kind the operator may only {@code get} is read with a GET at
 * each reconcile, and one Event says which permission would serve it from a cache. Once the
 * widget's only StatefulAutoscaler is deleted, the widgets' informer is stopped, the Deployments'
 * (still named) is not.
 */
class SteadyReconcileRequestsIT {
  private static final String NS = "steady";
  private static final String POD_METRICS = "/apis/metrics.k8s.io/v1beta1/namespaces/steady/pods";
  private static final Pattern RECONCILES =
      Pattern.compile("(?m)^ballast_reconcile_duration_seconds_count(?:\\{[^}]*\\})? ([0-9.]+)$");

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder()
          .runner(new IdlePodRunner(RunbookHooksIT.IMAGE))
          .sharedInJvm()
          .build();

  /** Every request of the operator's client but its watches: {@code METHOD path?query}. */
  static final class RequestLog implements Interceptor {
    final List<String> requests = new CopyOnWriteArrayList<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      String query = request.uri().getRawQuery();
      if (query == null || !query.contains("watch=true")) {
        requests.add(
            request.method() + " " + request.uri().getPath() + (query == null ? "" : "?" + query));
      }
    }
  }

  static double reconciles(int port) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = RECONCILES.matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** A namespaced test CRD whose /scale keeps the replicas at .spec.size. */
  static String crd(String kind, String plural) {
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: %2$s.test.ballast.dev}
        spec:
          group: test.ballast.dev
          scope: Namespaced
          names: {kind: %1$s, plural: %2$s, singular: %3$s}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
              subresources:
                scale: {specReplicasPath: .spec.size, statusReplicasPath: .status.size}
        """
        .formatted(kind, plural, kind.toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * What a user grants for custom targets: widgets may be listed and watched (a cache serves them,
   * its CRD read once for its /scale path); gadgets only read, so they are read with a GET.
   */
  static final String RBAC =
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: ballast-test-targets, namespace: %1$s}
      rules:
        - apiGroups: [test.ballast.dev]
          resources: [widgets]
          verbs: [get, list, watch]
        - apiGroups: [test.ballast.dev]
          resources: [gadgets]
          verbs: [get]
        - apiGroups: [test.ballast.dev]
          resources: [widgets/scale, gadgets/scale]
          verbs: [get, update, patch]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: ballast-test-targets, namespace: %1$s}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ballast-test-targets}
      subjects:
        - {kind: ServiceAccount, name: %2$s, namespace: %3$s}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: ballast-test-widget-crd}
      rules:
        - apiGroups: [apiextensions.k8s.io]
          resources: [customresourcedefinitions]
          resourceNames: [widgets.test.ballast.dev]
          verbs: [get]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: ballast-test-widget-crd}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ballast-test-widget-crd}
      subjects:
        - {kind: ServiceAccount, name: %2$s, namespace: %3$s}
      """
          .formatted(NS, RealControlPlane.OPERATOR_ACCOUNT, RealControlPlane.OPERATOR_NAMESPACE);

  static String statefulSet(String name, int replicas) {
    return RealControlPlane.statefulSet(NS, name, replicas, "main", RunbookHooksIT.IMAGE);
  }

  /** A Deployment of 2: no Deployment controller runs here, so it has no pods (none needed). */
  static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: %s}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
              - {name: main, image: ballast-test/none}
      """
          .formatted(NS);

  static String custom(String kind, String name) {
    return """
        apiVersion: test.ballast.dev/v1
        kind: %1$s
        metadata: {name: %2$s, namespace: %3$s}
        spec:
          size: 2
          selector: {matchLabels: {app: %2$s}}
        """
        .formatted(kind, name, NS);
  }

  static String autoscaler(String name, String apiVersion, String kind, String sizing) {
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: StatefulAutoscaler
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          targetRef: {apiVersion: %3$s, kind: %4$s, name: %1$s}
          maxReplicas: 3
          syncPeriod: 1s
          scaleUp: {preflight: false}
        %5$s"""
        .formatted(name, NS, apiVersion, kind, sizing.indent(2));
  }

  static StatefulAutoscaler sas(KubernetesClient client, String name) {
    return client.resources(StatefulAutoscaler.class).inNamespace(NS).withName(name).get();
  }

  @Test
  void aSteadyReconcileSendsNoRequest() throws Exception {
    // given: the operator's RBAC, the targets (the StatefulSets' pods Ready), their autoscalers
    KubernetesClient admin = cluster.client();
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Path kubeconfig = RealControlPlane.installOperator(cluster, NS);
    RealControlPlane.apply(cluster, "crd-widgets", crd("Widget", "widgets"));
    RealControlPlane.apply(cluster, "crd-gadgets", crd("Gadget", "gadgets"));
    RealControlPlane.awaitEstablished(cluster, "widgets.test.ballast.dev");
    RealControlPlane.awaitEstablished(cluster, "gadgets.test.ballast.dev");
    RealControlPlane.apply(cluster, "rbac-targets", RBAC);
    RealControlPlane.apply(cluster, "sts-zk", statefulSet("zk", 2));
    RealControlPlane.apply(cluster, "sts-storage", statefulSet("storage", 1));
    RealControlPlane.apply(cluster, "deployment-web", DEPLOYMENT);
    RealControlPlane.apply(cluster, "widget", custom("Widget", "wid"));
    RealControlPlane.apply(cluster, "gadget", custom("Gadget", "gad"));
    await("the pods of zk and storage Ready")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                admin.pods().inNamespace(NS).list().getItems().stream()
                        .filter(RealControlPlane::ready)
                        .count()
                    == 3);
    RunbookHooksIT.untaintReadyNodes(admin);
    RequestLog log = new RequestLog();
    ListAppender<ILoggingEvent> informerLog = new ListAppender<>();
    informerLog.start();
    var informerLogger =
        (ch.qos.logback.classic.Logger)
            LoggerFactory.getLogger("dev.ballast.operator.InformerReads");
    informerLogger.setLevel(Level.INFO);
    informerLogger.addAppender(informerLog);
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    try (KubernetesClient operatorClient =
            new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("log", log))
                .build();
        OperatorWiring wiring =
            new OperatorWiring(
                operatorClient,
                new OperatorWiring.Settings(Optional.empty(), Set.of(NS), "127.0.0.1", 0, "test"),
                Clock.systemUTC())) {
      wiring.start();
      RealControlPlane.apply(
          cluster, "sas-zk", autoscaler("zk", "apps/v1", "StatefulSet", "replicas: 2"));
      RealControlPlane.apply(
          cluster, "sas-web", autoscaler("web", "apps/v1", "Deployment", "replicas: 2"));
      RealControlPlane.apply(
          cluster, "sas-wid", autoscaler("wid", "test.ballast.dev/v1", "Widget", "replicas: 2"));
      RealControlPlane.apply(
          cluster, "sas-gad", autoscaler("gad", "test.ballast.dev/v1", "Gadget", "replicas: 2"));
      // One schedulable Node, at least 1: the node count grows storage 1 -> 2 (a Node read).
      RealControlPlane.apply(
          cluster,
          "sas-storage",
          autoscaler(
              "storage",
              "apps/v1",
              "StatefulSet",
              "sizeByNodes: {tiers: [{atLeast: 1, replicas: 2}], otherwise: 1}"));
      Map<String, Integer> sizes = Map.of("zk", 2, "web", 2, "wid", 2, "gad", 2, "storage", 2);
      await("every autoscaler Idle at its target's replicas")
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  sizes.entrySet().stream()
                      .allMatch(
                          e -> {
                            var s = sas(admin, e.getKey()).getStatus();
                            return s != null
                                && "Idle".equals(s.phase)
                                && e.getValue().equals(s.replicas);
                          }));
      // when: after one more round of syncs settles what is left, the requests are counted over
      // three rounds of syncs (1 s each, 5 resources) and a pod event of zk
      int port = wiring.httpPort();
      double settle = reconciles(port);
      await().atMost(TIMEOUT).until(() -> reconciles(port) >= settle + 5);
      log.requests.clear();
      double start = reconciles(port);
      admin
          .pods()
          .inNamespace(NS)
          .withName("zk-0")
          .edit(
              p -> {
                p.getMetadata().setAnnotations(Map.of("touched", "1"));
                return p;
              });
      await().atMost(TIMEOUT).until(() -> reconciles(port) >= start + 15);

      // then: the gadget, which may not be listed, is read with GETs; the node-sized storage reads
      // the HPA's default cpu metric (a metric source, not the snapshot: it names no metric, and
      // the core always evaluates one); nothing else is requested
      List<String> requests = List.copyOf(log.requests);
      assertThat(requests)
          .as("requests of the steady reconciles but the uncached gadget's and the cpu metric's")
          .filteredOn(r -> !r.contains("/gadgets/"))
          .filteredOn(r -> !r.equals("GET " + POD_METRICS))
          .isEmpty();
      assertThat(requests)
          .as("the uncached gadget is read from the server")
          .anyMatch(r -> r.startsWith("GET ") && r.contains("/namespaces/steady/gadgets/gad"))
          .allMatch(r -> r.startsWith("GET "));
      // and the caches read what the server has: the widget's size at its CRD's path
      assertThat(sas(admin, "wid").getStatus().replicas).isEqualTo(2);
      assertThat(admin.apps().statefulSets().inNamespace(NS).withName("storage").get())
          .extracting(s -> s.getSpec().getReplicas())
          .isEqualTo(2);
      // and one Event says which permission would serve the gadgets from a cache
      var notCached =
          admin.v1().events().inNamespace(NS).list().getItems().stream()
              .filter(e -> "TargetNotCached".equals(e.getReason()))
              .toList();
      assertThat(notCached)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getInvolvedObject().getName()).isEqualTo("gad");
                assertThat(e.getMessage())
                    .contains(
                        "grant list and watch on gadgets.test.ballast.dev in namespace steady");
              });

      // when: the widget's only autoscaler is deleted
      admin.resources(StatefulAutoscaler.class).inNamespace(NS).withName("wid").delete();

      // then: the widgets' informer is stopped at a later reconcile (of another resource); the
      // Deployments', still named by web, runs on
      await("the widgets' informer stopped")
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  informerLog.list.stream()
                      .map(ILoggingEvent::getFormattedMessage)
                      .anyMatch(
                          m ->
                              m.equals(
                                  "action=uncache-target kind=test.ballast.dev/v1/Widget@steady")));
      assertThat(informerLog.list.stream().map(ILoggingEvent::getFormattedMessage))
          .filteredOn(m -> m.startsWith("action=uncache-target"))
          .containsExactly("action=uncache-target kind=test.ballast.dev/v1/Widget@steady");
      double afterStop = reconciles(port);
      await().atMost(TIMEOUT).until(() -> reconciles(port) >= afterStop + 4);
      assertThat(sas(admin, "web").getStatus().phase).isEqualTo("Idle");
    } finally {
      informerLogger.detachAppender(informerLog);
    }
  }
}
