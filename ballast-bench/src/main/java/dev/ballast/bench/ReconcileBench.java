package dev.ballast.bench;

import dev.ballast.autoscaler.AutoscaleSpec;
import dev.ballast.autoscaler.ScaleAheadFeed;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.ControllerSettings;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.predict.PredictionSettings;
import dev.ballast.core.predict.ScaleAheadPredictor;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerStatus;
import dev.ballast.k8s.testkit.KubeControlPlane;
import dev.ballast.operator.InformerReads;
import dev.ballast.operator.KubernetesEvents;
import dev.ballast.operator.OperatorMetrics;
import dev.ballast.operator.StatefulAutoscalerReconciler;
import dev.ballast.operator.StatusForecastStore;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * Reconcile throughput, CPU time and heap of the operator with many StatefulAutoscalers: {@code N}
 * StatefulSets of {@code R} Ready pods, each with a StatefulAutoscaler holding it at its size
 * ({@code spec.replicas}, the steady state), reconciled one after the other on one thread as one
 * sync period's work, reading the targets and pods from caches through the operator's own {@link
 * InformerReads}, as the running operator reads them from its informers. It prints, for the first
 * pass (every resource wired) and a steady pass (one sync period later): wall time, CPU time of the
 * reconciling thread and of the whole process, API requests, and the heap the operator's state
 * takes (used heap after a full GC, minus the same before the operator saw any resource). The goal
 * is 10,000 within one 15 s sync on one core in under 512 MiB heap.
 *
 * <p>Two API servers:
 *
 * <ul>
 *   <li>default: the fabric8 mock API server (CRUD mode, in this JVM). Only the StatefulAutoscalers
 *       are created in it (through its HTTP API, 8 at a time); the StatefulSets and pods are put
 *       straight into the maps the reconciler reads them from, as the operator's informers would
 *       hold them after their first list. The mock's store answers in time that grows with what it
 *       holds, so creating 10,000 of each type through it took too long to run; the steady
 *       reconcile sends no request for them anyway (they come from the caches).
 *   <li>{@code --real-api-server}: etcd and kube-apiserver (ballast-k8s-testkit, the binaries of
 *       {@code scripts/install-test-tools}) started in a temporary directory and stopped at the
 *       end, the CRD of ballast-crd installed; every object created through the API server (8 at a
 *       time; pod status written through the status subresource), the StatefulSets and pods read
 *       from real informers (list + watch). No kubelet runs: the bench holds every target at its
 *       size, so no pod is ever started. The StatefulSets use {@code OnDelete} updates so the
 *       StatefulSet controller adopts the bench's pods and never replaces them.
 * </ul>
 *
 * <p>The set-up (creating the objects, filling the caches) is timed and printed but is not part of
 * the measured passes. Before them, the bench prints the size {@code status.forecast} reaches with
 * prediction on ({@link #forecastStatus}), which these steady resources do not have.
 *
 * <p>Run: {@code ./mvnw -q -pl ballast-bench -am package -DskipTests} then {@code taskset -c 0 java
 * -Xmx512m -XX:ActiveProcessorCount=1 -cp ballast-bench/target/benchmarks.jar
 * dev.ballast.bench.ReconcileBench [--real-api-server] 10000 3}. Not a test: nothing here runs in
 * the test command.
 */
public final class ReconcileBench {
  private static final String NS = "bench";
  private static final int CREATORS = 8;
  private static final String METRIC = "requests_per_second";

  /** Parsed copies of a StatefulAutoscaler whose heap is measured (their mean printed). */
  private static final int COPIES = 40;

  /** Held here: java.util.logging forgets the level of a logger nobody references. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private ReconcileBench() {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(List.of(args));
    boolean real = rest.remove("--real-api-server");
    int n = rest.size() > 0 ? Integer.parseInt(rest.get(0)) : 1000;
    int replicas = rest.size() > 1 ? Integer.parseInt(rest.get(1)) : 3;
    forecastStatus();
    if (real) {
      realApiServer(n, replicas);
    } else {
      mock(n, replicas);
    }
  }

  /**
   * Prints the size of {@code status.forecast} with {@code spec.prediction: {enabled: true}} (the
   * defaults: a 1-day season sampled every minute) as the operator keeps it: its {@link
   * StatusForecastStore}, fed by the {@link ScaleAheadFeed} its reconciler syncs, every 15 s for
   * two retentions and a few minutes, with the summed load of 3 members following a daily wave with
   * noise (full-precision values, as a metrics API returns them). The feed trims the store to one
   * retention each time it has grown by another one, so it is largest at the sync before a trim:
   * that sync is found in a first run and the status measured there in a second, identical run;
   * then once more a few minutes after that trim. With each size: the heap one copy of such a
   * StatefulAutoscaler takes once parsed from its JSON, as an informer's cache (JOSDK's) and the
   * operator's status writer each hold one, measured over {@link #COPIES} copies.
   */
  private static void forecastStatus() throws Exception {
    PredictionSettings prediction = PredictionSettings.defaults(true);
    long t0 = System.nanoTime();
    int syncs =
        (int)
            (new ScaleAheadPredictor(prediction)
                    .retention()
                    .multipliedBy(2)
                    .plusMinutes(5)
                    .toSeconds()
                / AutoscaleSpec.DEFAULT_SYNC_PERIOD.toSeconds());
    int largestAt = 0;
    int largest = 0;
    ForecastRun first = new ForecastRun(prediction);
    for (int i = 1; i <= syncs; i++) {
      first.sync();
      // keepFrom the epoch drops nothing: the samples the store holds after this sync.
      int held = first.store.keepFrom(Instant.EPOCH).size();
      if (held > largest) {
        largest = held;
        largestAt = i;
      }
    }
    ForecastRun second = new ForecastRun(prediction);
    for (int i = 1; i <= largestAt; i++) {
      second.sync();
    }
    printForecast("largest (the sync before the feed trims it)", largestAt, second.store);
    printForecast("a few minutes after that trim", syncs, first.store);
    System.out.printf(
        Locale.ROOT, "bench: status.forecast measured in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  private static void printForecast(String when, int syncs, StatusForecastStore store)
      throws Exception {
    // The resource of ForecastRun: its metric, prediction on with the defaults.
    StatefulAutoscaler sas =
        Serialization.unmarshal(
            autoscalerYaml("sts-forecast", 3).replace("  replicas: 3\n", "")
                + "  metrics: [{type: Pods, pods: {metric: {name: "
                + METRIC
                + "}, target: {type: AverageValue, averageValue: '100'}}}]\n"
                + "  prediction: {enabled: true}\n",
            StatefulAutoscaler.class);
    sas.setStatus(new StatefulAutoscalerStatus());
    sas.getStatus().forecast = store.toJson();
    String status = Serialization.asJson(sas.getStatus());
    String resource = Serialization.asJson(sas);
    List<StatefulAutoscaler> copies = new ArrayList<>(COPIES);
    long before = usedHeapAfterGc();
    for (int i = 0; i < COPIES; i++) {
      copies.add(Serialization.unmarshal(resource, StatefulAutoscaler.class));
    }
    long after = usedHeapAfterGc();
    System.out.printf(
        Locale.ROOT,
        "bench: status.forecast with prediction on (defaults), %s, after %d syncs of 15 s (%.1f"
            + " days): %d samples, %d bytes of status JSON (%.0f KB); %.0f KiB of heap per parsed"
            + " copy of the StatefulAutoscaler (%d copies)%n",
        when,
        syncs,
        syncs * 15 / 86400.0,
        store.toJson().path("samples").size(),
        status.getBytes(StandardCharsets.UTF_8).length,
        status.getBytes(StandardCharsets.UTF_8).length / 1000.0,
        (after - before) / 1024.0 / copies.size(),
        copies.size());
  }

  /**
   * One StatefulAutoscaler's forecaster as the operator's reconciler feeds it: one sync every 15 s
   * from {@code 2026-01-01T00:00:00Z}, the load of 3 members (a pods metric of 100 per member).
   */
  private static final class ForecastRun {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration SYNC = AutoscaleSpec.DEFAULT_SYNC_PERIOD;
    private final StatusForecastStore store;
    private final ScaleAheadFeed feed;
    private int synced;

    ForecastRun(PredictionSettings prediction) {
      store = new StatusForecastStore(prediction.sampleInterval(), null);
      AutoscaleSpec spec =
          new AutoscaleSpec(
              Autoscaler.of(1, 20, MetricSpec.pods(METRIC, MetricTarget.averageValue(100))),
              ControllerSettings.defaults(),
              SYNC);
      feed = ScaleAheadFeed.of(spec, prediction, store, START, List.of()).orElseThrow();
    }

    void sync() {
      Instant t = START.plus(SYNC.multipliedBy(synced));
      // A daily wave between 150 and 450 with up to 10 of noise that repeats every 11 syncs.
      double total =
          300
              + 150 * Math.sin(2 * Math.PI * synced * SYNC.toSeconds() / 86400.0)
              + synced * 37 % 11;
      Map<Integer, Double> byMember = Map.of(0, total / 3, 1, total / 3, 2, total / 3);
      feed.sync(
          t, Map.of(METRIC, new MetricSample(METRIC, t, byMember)), List.of(), SYNC, 3, 20, 0.1);
      synced++;
    }
  }

  private static void mock(int n, int replicas) throws Exception {
    // The mock server logs every request through java.util.logging: that is not the operator's
    // cost. The operator's own logging (one INFO line per wiring) stays as in production.
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    try (KubernetesClient client = server.createClient()) {
      long t0 = System.nanoTime();
      Map<String, StatefulSet> statefulSets = new ConcurrentHashMap<>();
      Map<String, Pod> pods = new ConcurrentHashMap<>();
      for (int i = 0; i < n; i++) {
        StatefulSet sts = statefulSet("sts-" + i, replicas);
        statefulSets.put(NS + "/" + sts.getMetadata().getName(), sts);
        for (int k = 0; k < replicas; k++) {
          Pod pod = readyPod("sts-" + i, k);
          pods.put(NS + "/" + pod.getMetadata().getName(), pod);
        }
      }
      double caches = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      concurrently(n, i -> createAutoscaler(client, "sts-" + i, replicas));
      System.out.printf(
          Locale.ROOT,
          "bench: set-up (not measured): %d StatefulSets x %d pods put in the caches in %.1f s;"
              + " %d StatefulAutoscalers created in the mock in %.1f s%n",
          n,
          replicas,
          caches,
          n,
          (System.nanoTime() - t1) / 1e9);
      measure(
          client,
          new InformerReads(
              client,
              id -> Optional.ofNullable(statefulSets.get(key(id))),
              id -> Optional.ofNullable(pods.get(key(id)))),
          server::getRequestCount,
          () -> drainRecordedRequests(server),
          n,
          "mock server's store and the caches included");
    } finally {
      server.destroy();
    }
  }

  private static void realApiServer(int n, int replicas) throws Exception {
    AtomicInteger requests = new AtomicInteger();
    Interceptor counter =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            String query = request.uri().getRawQuery();
            if (query == null || !query.contains("watch=true")) {
              requests.incrementAndGet();
            }
          }
        };
    long t0 = System.nanoTime();
    Path workDir = Files.createTempDirectory("ballast-bench-k8s-");
    try {
      try (KubeControlPlane cp = KubeControlPlane.builder().workDir(workDir).start();
          KubernetesClient client =
              new KubernetesClientBuilder()
                  .withConfig(Config.fromKubeconfig(Files.readString(cp.adminKubeconfig())))
                  .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", counter))
                  .build()) {
        System.out.printf(
            Locale.ROOT,
            "bench: control plane (etcd, kube-apiserver, kube-controller-manager) started in %.1f"
                + " s at %s%n",
            (System.nanoTime() - t0) / 1e9,
            cp.apiServerUrl());
        installCrd(client);
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
            .create();
        // Pod creation is refused until the namespace's default ServiceAccount exists.
        Awaitility.await("ServiceAccount " + NS + "/default")
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> client.serviceAccounts().inNamespace(NS).withName("default").get() != null);
        long t1 = System.nanoTime();
        concurrently(
            n,
            i -> {
              String name = "sts-" + i;
              // Pods first: the StatefulSet controller then adopts them instead of creating its
              // own.
              for (int k = 0; k < replicas; k++) {
                Pod created = client.pods().inNamespace(NS).resource(podSpec(name, k)).create();
                created.setStatus(readyPod(name, k).getStatus());
                client.pods().inNamespace(NS).resource(created).updateStatus();
              }
              client
                  .apps()
                  .statefulSets()
                  .inNamespace(NS)
                  .resource(statefulSet(name, replicas))
                  .create();
              createAutoscaler(client, name, replicas);
            });
        System.out.printf(
            Locale.ROOT,
            "bench: set-up (not measured): %d StatefulSets x %d pods and %d StatefulAutoscalers"
                + " created in %.1f s%n",
            n,
            replicas,
            n,
            (System.nanoTime() - t1) / 1e9);
        long c0 = System.nanoTime();
        SharedIndexInformer<StatefulSet> statefulSets =
            client.apps().statefulSets().inNamespace(NS).inform();
        SharedIndexInformer<Pod> pods = client.pods().inNamespace(NS).inform();
        System.out.printf(
            Locale.ROOT,
            "bench: set-up (not measured): informer caches filled in %.1f s (%d StatefulSets, %d"
                + " pods)%n",
            (System.nanoTime() - c0) / 1e9,
            statefulSets.getStore().list().size(),
            pods.getStore().list().size());
        measure(
            client,
            new InformerReads(
                client,
                id -> Optional.ofNullable(statefulSets.getStore().getByKey(key(id))),
                id -> Optional.ofNullable(pods.getStore().getByKey(key(id)))),
            requests::get,
            () -> {},
            n,
            "informer caches included; etcd and kube-apiserver are other processes");
        statefulSets.close();
        pods.close();
      }
    } finally {
      // etcd's data and the processes' logs: the bench leaves nothing behind.
      try (Stream<Path> files = Files.walk(workDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    System.out.println("bench: control plane stopped, its directory deleted");
  }

  private static void installCrd(KubernetesClient client) throws Exception {
    try (InputStream crd =
        ReconcileBench.class.getResourceAsStream(
            "/META-INF/fabric8/statefulautoscalers.ballast.dev-v1.yml")) {
      if (crd == null) {
        throw new IllegalStateException("the generated CRD is not on the class path (ballast-crd)");
      }
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
    Awaitility.await("CRD statefulautoscalers.ballast.dev Established")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              var got =
                  client
                      .apiextensions()
                      .v1()
                      .customResourceDefinitions()
                      .withName("statefulautoscalers.ballast.dev")
                      .get();
              return got != null
                  && got.getStatus() != null
                  && got.getStatus().getConditions().stream()
                      .anyMatch(
                          c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
            });
  }

  private static void measure(
      KubernetesClient client,
      InformerReads reads,
      IntSupplier requests,
      Runnable beforeHeap,
      int n,
      String heapIncludes)
      throws Exception {
    MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    StatefulAutoscalerReconciler reconciler =
        new StatefulAutoscalerReconciler(
            client,
            reads,
            clock,
            new KubernetesEvents(client, clock, "ballast-bench"),
            new OperatorMetrics(new SimpleMeterRegistry()));
    beforeHeap.run();
    long heapBefore = usedHeapAfterGc();
    pass("first (wiring)", requests, client, reconciler);
    beforeHeap.run();
    long heapAfter = usedHeapAfterGc();
    clock.advance(Duration.ofSeconds(15));
    pass("steady (one sync later)", requests, client, reconciler);
    System.out.printf(
        Locale.ROOT,
        "bench: operator state on the heap: %.1f MiB for %d resources (%.1f KiB each); heap used in"
            + " all (%s): %.1f MiB of max %.0f MiB%n",
        (heapAfter - heapBefore) / 1048576.0,
        n,
        (heapAfter - heapBefore) / 1024.0 / n,
        heapIncludes,
        heapAfter / 1048576.0,
        Runtime.getRuntime().maxMemory() / 1048576.0);
  }

  private static void pass(
      String name,
      IntSupplier requestCount,
      KubernetesClient client,
      StatefulAutoscalerReconciler reconciler) {
    // The informer cache hands the reconciler its resources: one list, outside the measure.
    List<StatefulAutoscaler> all =
        client.resources(StatefulAutoscaler.class).inNamespace(NS).list().getItems();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    int requests0 = requestCount.getAsInt();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long proc0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    Context<StatefulAutoscaler> context = operatorContext();
    for (StatefulAutoscaler sas : all) {
      reconciler.reconcile(sas, context);
    }
    double wall = (System.nanoTime() - wall0) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    double proc = (os.getProcessCpuTime() - proc0) / 1e9;
    int requests = requestCount.getAsInt() - requests0;
    System.out.printf(
        Locale.ROOT,
        "bench: %s pass: %d reconciles in %.2f s wall (%.0f/s, %.3f ms each); CPU %.2f s reconciling"
            + " thread, %.2f s this process; %d API requests (%.1f per reconcile)%n",
        name,
        all.size(),
        wall,
        all.size() / wall,
        wall * 1000 / all.size(),
        cpu,
        proc,
        requests,
        requests / (double) all.size());
  }

  /**
   * The mock web server keeps every request it answered (body included) for {@code takeRequest}:
   * that is the mock's memory, not the operator's, so it is dropped before the heap is measured.
   */
  private static void drainRecordedRequests(KubernetesMockServer server) {
    try {
      while (server.takeRequest(1, TimeUnit.MILLISECONDS) != null) {
        // dropped
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code task(0..n-1)} on {@link #CREATORS} threads and fails with the first failure. */
  private static void concurrently(int n, IntConsumer task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CREATORS);
    try {
      List<Future<?>> done = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int index = i;
        done.add(pool.submit(() -> task.accept(index)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static StatefulSet statefulSet(String name, int replicas) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName(name)
        .withNewUpdateStrategy()
        .withType("OnDelete")
        .endUpdateStrategy()
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withSpec(podSpec(name, 0).getSpec())
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Pod {@code name-ordinal} as created (no status: the API server ignores it on create). */
  private static Pod podSpec(String name, int ordinal) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name + "-" + ordinal)
        .withNamespace(NS)
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("registry.k8s.io/pause:3.10")
        .withNewResources()
        .addToRequests("cpu", new Quantity("500m"))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  private static Pod readyPod(String name, int ordinal) {
    return new PodBuilder(podSpec(name, ordinal))
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  private static void createAutoscaler(KubernetesClient client, String name, int replicas) {
    StatefulAutoscaler sas =
        Serialization.unmarshal(autoscalerYaml(name, replicas), StatefulAutoscaler.class);
    client.resources(StatefulAutoscaler.class).inNamespace(NS).resource(sas).create();
  }

  private static String autoscalerYaml(String name, int replicas) {
    return "apiVersion: ballast.dev/v1alpha1\nkind: StatefulAutoscaler\nmetadata:\n  name: "
        + name
        + "\n  namespace: "
        + NS
        + "\n  generation: 1\nspec:\n  targetRef: {apiVersion: apps/v1, kind: StatefulSet,"
        + " name: "
        + name
        + "}\n  replicas: "
        + replicas
        + "\n  maxReplicas: 7\n";
  }

  /**
   * The part of JOSDK's reconcile context the operator's reads use: its event source retriever,
   * through which {@link InformerReads} registers the informer of a target kind other than
   * StatefulSet, or of the Nodes, the first time a resource needs it. The bench's StatefulSet
   * targets need none, so any registration fails the bench (it would not measure what it says).
   */
  @SuppressWarnings("unchecked")
  private static Context<StatefulAutoscaler> operatorContext() {
    Object retriever =
        Proxy.newProxyInstance(
            ReconcileBench.class.getClassLoader(),
            new Class<?>[] {EventSourceRetriever.class},
            (proxy, method, args) -> {
              throw new UnsupportedOperationException(
                  "no informer registration expected: " + method);
            });
    return (Context<StatefulAutoscaler>)
        Proxy.newProxyInstance(
            ReconcileBench.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) -> {
              if (method.getName().equals("eventSourceRetriever")) {
                return retriever;
              }
              throw new UnsupportedOperationException("not used by the operator: " + method);
            });
  }

  private static String key(ResourceID id) {
    return id.getNamespace().orElse("") + "/" + id.getName();
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  /** A clock the benchmark moves by hand, so that the second pass is one sync period later. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
