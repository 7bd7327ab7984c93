package dev.ballast.bench;

import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.operator.KubernetesEvents;
import dev.ballast.operator.KubernetesReads;
import dev.ballast.operator.OperatorMetrics;
import dev.ballast.operator.StatefulAutoscalerReconciler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reconcile throughput, CPU time and heap of the operator with many StatefulAutoscalers, on the
 * fabric8 mock API server (CRUD mode, in this JVM): {@code N} StatefulSets of {@code R} Ready pods,
 * each with a StatefulAutoscaler holding it at its size ({@code spec.replicas}, the steady state),
 * reconciled one after the other on one thread as one sync period's work, reading the targets and
 * pods from informer caches as the operator does. It prints, for the first pass (every resource
 * wired) and a steady pass (one sync period later): wall time, CPU time of the reconciling thread
 * and of the whole process (the mock server included), API requests, and the heap the operator's
 * state takes (used heap after a full GC, minus the same before the operator saw any resource). The
 * goal is 10,000 within one 15 s sync on one core in under 512 MiB heap.
 *
 * <p>Run: {@code ./mvnw -q -pl ballast-bench -am package -DskipTests} then {@code java -Xmx512m
 * -XX:ActiveProcessorCount=1 -cp ballast-bench/target/benchmarks.jar
 * dev.ballast.bench.ReconcileBench 10000 3}. Not a test: nothing here runs in the test command.
 */
public final class ReconcileBench {
  private static final String NS = "bench";

  /** Held here: java.util.logging forgets the level of a logger nobody references. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private ReconcileBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int replicas = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    // The mock server logs every request through java.util.logging: that is not the operator's
    // cost. The operator's own logging (one INFO line per wiring) stays as in production.
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    try (KubernetesClient client = server.createClient()) {
      run(server, client, n, replicas);
    } finally {
      server.destroy();
    }
  }

  private static void run(KubernetesMockServer server, KubernetesClient client, int n, int replicas)
      throws Exception {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      create(client, "sts-" + i, replicas);
    }
    System.out.printf(
        Locale.ROOT,
        "bench: created %d StatefulSets x %d pods and %d StatefulAutoscalers in %.1f s%n",
        n,
        replicas,
        n,
        (System.nanoTime() - t0) / 1e9);
    MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    // The operator's informer caches of the targets and their pods (JOSDK's event sources hold
    // the same): filled once, outside the measure, as when the operator starts.
    long c0 = System.nanoTime();
    SharedIndexInformer<StatefulSet> statefulSets =
        client.apps().statefulSets().inNamespace(NS).inform();
    SharedIndexInformer<Pod> pods = client.pods().inNamespace(NS).inform();
    System.out.printf(
        Locale.ROOT,
        "bench: informer caches filled in %.1f s (%d StatefulSets, %d pods)%n",
        (System.nanoTime() - c0) / 1e9,
        statefulSets.getStore().list().size(),
        pods.getStore().list().size());
    StatefulAutoscalerReconciler reconciler =
        new StatefulAutoscalerReconciler(
            client,
            KubernetesReads.cached(
                id -> Optional.ofNullable(statefulSets.getStore().getByKey(key(id))),
                id -> Optional.ofNullable(pods.getStore().getByKey(key(id)))),
            clock,
            new KubernetesEvents(client, clock, "ballast-bench"),
            new OperatorMetrics(new SimpleMeterRegistry()));
    long heapBefore = usedHeapAfterGc();
    pass("first (wiring)", server, client, reconciler, n);
    long heapAfter = usedHeapAfterGc();
    clock.advance(Duration.ofSeconds(15));
    pass("steady (one sync later)", server, client, reconciler, n);
    System.out.printf(
        Locale.ROOT,
        "bench: operator state on the heap: %.1f MiB for %d resources (%.1f KiB each); heap used in all"
            + " (mock server's store included): %.1f MiB of max %.0f MiB%n",
        (heapAfter - heapBefore) / 1048576.0,
        n,
        (heapAfter - heapBefore) / 1024.0 / n,
        heapAfter / 1048576.0,
        Runtime.getRuntime().maxMemory() / 1048576.0);
  }

  private static void pass(
      String name,
      KubernetesMockServer server,
      KubernetesClient client,
      StatefulAutoscalerReconciler reconciler,
      int n) {
    // The informer cache hands the reconciler its resources: one list, outside the measure.
    List<StatefulAutoscaler> all =
        client.resources(StatefulAutoscaler.class).inNamespace(NS).list().getItems();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    int requests0 = server.getRequestCount();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long proc0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    for (StatefulAutoscaler sas : all) {
      reconciler.reconcile(sas, null);
    }
    double wall = (System.nanoTime() - wall0) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    double proc = (os.getProcessCpuTime() - proc0) / 1e9;
    int requests = server.getRequestCount() - requests0;
    System.out.printf(
        Locale.ROOT,
        "bench: %s pass: %d reconciles in %.1f s wall (%.0f/s, %.2f ms each); CPU %.1f s reconciling"
            + " thread, %.1f s process (mock server included); %d API requests (%.1f per"
            + " reconcile)%n",
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

  private static void create(KubernetesClient client, String name, int replicas) {
    client
        .apps()
        .statefulSets()
        .inNamespace(NS)
        .resource(
            new StatefulSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withServiceName(name)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withNewResources()
                .addToRequests("cpu", new Quantity("500m"))
                .endResources()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    for (int k = 0; k < replicas; k++) {
      client
          .pods()
          .inNamespace(NS)
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(name + "-" + k)
                  .withNamespace(NS)
                  .addToLabels("app", name)
                  .endMetadata()
                  .withNewStatus()
                  .withPhase("Running")
                  .addNewCondition()
                  .withType("Ready")
                  .withStatus("True")
                  .endCondition()
                  .endStatus()
                  .build())
          .create();
    }
    StatefulAutoscaler sas =
        Serialization.unmarshal(
            "apiVersion: ballast.dev/v1alpha1\nkind: StatefulAutoscaler\nmetadata:\n  name: "
                + name
                + "\n  namespace: "
                + NS
                + "\n  generation: 1\nspec:\n  targetRef: {apiVersion: apps/v1, kind: StatefulSet,"
                + " name: "
                + name
                + "}\n  replicas: "
                + replicas
                + "\n  maxReplicas: 7\n",
            StatefulAutoscaler.class);
    client.resources(StatefulAutoscaler.class).inNamespace(NS).resource(sas).create();
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
