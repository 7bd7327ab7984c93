package dev.ballast.api.parity;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a valid random decision snapshot from a sequence of choices (each choice picks among
 * options, the first option being the plainest), so that jqwik's shrinking of the sequence — fewer
 * and smaller choices — shrinks the snapshot. Covers every metric source and target type, pod
 * phases, deletion, readiness and start times at the CPU initialization period and the readiness
 * delay (boundaries included), missing and partial pod metrics, sidecar containers, missing
 * requests, controller-wide and per-direction tolerances, {@code behavior} absent or present,
 * min/max around the current size, zero replicas, a Scale whose status differs from its spec, and
 * valid and invalid Scale selectors. The controller memory is always absent (see
 * tools/hpa-oracle/README.md).
 */
final class SnapshotGenerator {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final List<Integer> choices;
  private int next;

  private SnapshotGenerator(List<Integer> choices) {
    this.choices = choices;
  }

  static ObjectNode snapshot(List<Integer> choices) {
    return new SnapshotGenerator(choices).build();
  }

  // ----------------------------------------------------------------------------- choosing

  /** A number in 0..n-1; 0 (the plainest option) once the choices run out. */
  private int pick(int n) {
    if (next >= choices.size()) {
      return 0;
    }
    return Math.floorMod(choices.get(next++), n);
  }

  /**
   * True with the given chance in percent; false, the plain branch, once the choices run out or
   * shrink to 0. Callers therefore ask for the unusual branch: {@code !chance(10)} for "usually".
   */
  private boolean chance(int percent) {
    return pick(100) >= 100 - percent;
  }

  @SafeVarargs
  private <T> T oneOf(T... options) {
    return options[pick(options.length)];
  }

  private static String at(long offsetSeconds) {
    return NOW.plusSeconds(offsetSeconds).toString();
  }

  // ----------------------------------------------------------------------------- snapshot

  private ObjectNode build() {
    ObjectNode s = F.objectNode();
    s.put("now", NOW.toString());
    int cpuInit = 300;
    int readinessDelay = 30;
    if (chance(60)) {
      ObjectNode c = s.putObject("controller");
      Double tolerance = oneOf(null, 0.1, 0.0, 0.05, 0.2);
      if (tolerance != null) {
        c.put("tolerance", tolerance);
      }
      Integer init = oneOf(null, 60, 0, 120);
      if (init != null) {
        c.put("cpuInitializationPeriodSeconds", init);
        cpuInit = init;
      }
      Integer delay = oneOf(null, 10, 0, 60);
      if (delay != null) {
        c.put("initialReadinessDelaySeconds", delay);
        readinessDelay = delay;
      }
      Integer window = oneOf(null, 0, 1, 60);
      if (window != null) {
        c.put("downscaleStabilizationWindowSeconds", window);
      }
    }

    int current = chance(4) ? 0 : 1 + pick(7);
    int statusReplicas = chance(25) ? pick(9) : current;
    Integer min = oneOf(null, 1, 2, 3, 4);
    int floor = Math.max(min == null ? 1 : min, 1);
    // Mostly a range that holds the current size; sometimes one it is outside of.
    int max = chance(15) ? floor + pick(3) : Math.max(floor, current) + pick(9);

    List<String> podsMetricNames = new ArrayList<>();
    boolean object = false;
    boolean external = false;
    ObjectNode hpa = s.putObject("autoscaler");
    hpa.put("apiVersion", "autoscaling/v2").put("kind", "HorizontalPodAutoscaler");
    hpa.putObject("metadata").put("name", "web").put("namespace", "shop");
    ObjectNode spec = hpa.putObject("spec");
    spec.putObject("scaleTargetRef")
        .put("apiVersion", "apps/v1")
        .put("kind", "Deployment")
        .put("name", "web");
    if (min != null) {
      spec.put("minReplicas", min);
    }
    spec.put("maxReplicas", max);
    // No metrics at all: the API server's default (cpu at 80 %) applies.
    boolean noMetrics = chance(3);
    ArrayNode metrics = noMetrics ? F.arrayNode() : spec.putArray("metrics");
    int count = noMetrics ? 0 : 1 + pick(3);
    for (int i = 0; i < count; i++) {
      switch (pick(5)) {
        case 0 -> metrics.add(resource("Resource", null));
        case 1 -> metrics.add(resource("ContainerResource", oneOf("app", "sidecar", "proxy")));
        case 2 -> {
          String name = oneOf("rps", "qps");
          podsMetricNames.add(name);
          ObjectNode m = metrics.addObject().put("type", "Pods");
          ObjectNode p = m.putObject("pods");
          p.putObject("metric").put("name", name);
          p.putObject("target")
              .put("type", "AverageValue")
              .put("averageValue", oneOf("100", "10", "1", "500m", "250"));
        }
        case 3 -> {
          object = true;
          ObjectNode m = metrics.addObject().put("type", "Object");
          ObjectNode o = m.putObject("object");
          o.putObject("describedObject")
              .put("apiVersion", "v1")
              .put("kind", "Service")
              .put("name", "front");
          o.putObject("metric").put("name", "hits");
          o.set("target", valueTarget());
        }
        default -> {
          external = true;
          ObjectNode m = metrics.addObject().put("type", "External");
          ObjectNode e = m.putObject("external");
          ObjectNode metric = e.putObject("metric").put("name", "queue_depth");
          if (chance(50)) {
            metric.putObject("selector").putObject("matchLabels").put("queue", "jobs");
          }
          e.set("target", valueTarget());
        }
      }
    }
    if (chance(50)) {
      ObjectNode behavior = spec.putObject("behavior");
      if (!chance(30)) {
        behavior.set("scaleUp", rules());
      }
      if (!chance(30)) {
        behavior.set("scaleDown", rules());
      }
    }

    ObjectNode scale = s.putObject("scale");
    scale.put("apiVersion", "autoscaling/v1").put("kind", "Scale");
    scale.putObject("spec").put("replicas", current);
    ObjectNode scaleStatus = scale.putObject("status").put("replicas", statusReplicas);
    String selector =
        !chance(10)
            ? oneOf("app=web", "app in (web,api)", "app,tier!=x", " app == web ", "!gone,tier=db")
            : oneOf(null, "", "app in (web", "=web", "app=web,", "app=web tier=db");
    if (selector != null) {
      scaleStatus.put("selector", selector);
    }

    int podCount = Math.max(0, current + oneOf(0, -1, 1, 2, -2));
    ArrayNode pods = s.putArray("pods");
    ArrayNode podMetrics = s.putArray("podMetrics");
    ArrayNode custom = s.putArray("customMetrics");
    for (int i = 0; i < podCount; i++) {
      pod(pods, podMetrics, "web-" + i, cpuInit, readinessDelay);
    }
    for (String name : podsMetricNames.stream().distinct().toList()) {
      // Sometimes a value for a pod that is no longer there (the API would not return it).
      int valued = podCount + (chance(4) ? 1 : 0);
      for (int i = 0; i < valued; i++) {
        if (!chance(12)) {
          ObjectNode v = custom.addObject();
          v.putObject("describedObject")
              .put("apiVersion", "v1")
              .put("kind", "Pod")
              .put("name", "web-" + i);
          v.putObject("metric").put("name", name);
          v.put("timestamp", at(-30));
          Integer window = oneOf(null, 60, 30);
          if (window != null) {
            v.put("windowSeconds", window);
          }
          v.put("value", oneOf("100", "50", "110", "90", "200", "0", "1500m", "300", "95"));
        }
      }
    }
    if (object && !chance(10)) {
      ObjectNode v = custom.addObject();
      v.putObject("describedObject")
          .put("apiVersion", "v1")
          .put("kind", "Service")
          .put("name", "front");
      v.putObject("metric").put("name", "hits");
      v.put("timestamp", at(-30));
      v.put("value", oneOf("100", "1k", "0", "250", "95", "2500m", "40"));
    }
    ArrayNode ext = s.putArray("externalMetrics");
    if (external) {
      int series = chance(10) ? 0 : 1 + pick(3);
      for (int i = 0; i < series; i++) {
        ObjectNode v = ext.addObject().put("metricName", "queue_depth");
        v.putObject("metricLabels").put("queue", oneOf("jobs", "other"));
        v.put("timestamp", at(-30));
        v.put("value", oneOf("100", "30", "0", "250", "1k", "95", "7"));
      }
    }
    if (chance(50)) {
      s.set("history", history());
    }
    return s;
  }

  /**
   * The controller's memory: recommendations (absent, empty, or up to four around the windows'
   * edges) and scale events around the policies' periods.
   */
  private ObjectNode history() {
    ObjectNode h = F.objectNode();
    if (!chance(20)) {
      ArrayNode recs = h.putArray("recommendations");
      int n = chance(10) ? 0 : 1 + pick(4);
      for (int i = 0; i < n; i++) {
        recs.addObject()
            .put("timestamp", at(-oneOf(30L, 0L, 1L, 59L, 60L, 61L, 299L, 300L, 301L, 600L)))
            .put("replicas", 1 + pick(9));
      }
    }
    for (String kind : new String[] {"scaleUpEvents", "scaleDownEvents"}) {
      ArrayNode events = h.putArray(kind);
      int n = chance(40) ? 1 + pick(3) : 0;
      for (int i = 0; i < n; i++) {
        events
            .addObject()
            .put("timestamp", at(-oneOf(10L, 1L, 14L, 15L, 16L, 59L, 60L, 61L, 300L)))
            .put("replicaChange", 1 + pick(3));
      }
    }
    return h;
  }

  private ObjectNode resource(String type, String container) {
    String name = oneOf("cpu", "memory");
    ObjectNode m = F.objectNode().put("type", type);
    ObjectNode r =
        m.putObject(type.equals("Resource") ? "resource" : "containerResource").put("name", name);
    if (container != null) {
      r.put("container", container);
    }
    ObjectNode t = r.putObject("target");
    if (!chance(30)) {
      t.put("type", "Utilization").put("averageUtilization", oneOf(50, 80, 100, 10, 150, 60));
    } else {
      t.put("type", "AverageValue")
          .put(
              "averageValue",
              name.equals("cpu")
                  ? oneOf("500m", "1", "100m", "250m")
                  : oneOf("128Mi", "64Mi", "256Mi"));
    }
    return m;
  }

  private ObjectNode valueTarget() {
    ObjectNode t = F.objectNode();
    if (chance(50)) {
      t.put("type", "Value").put("value", oneOf("100", "10", "1k", "250m"));
    } else {
      t.put("type", "AverageValue").put("averageValue", oneOf("100", "10", "30", "500m"));
    }
    return t;
  }

  private ObjectNode rules() {
    ObjectNode r = F.objectNode();
    Integer window = oneOf(null, 0, 60, 1, 300);
    if (window != null) {
      r.put("stabilizationWindowSeconds", window);
    }
    String select = oneOf(null, "Max", "Min", "Disabled");
    if (select != null) {
      r.put("selectPolicy", select);
    }
    if (chance(60)) {
      ArrayNode policies = r.putArray("policies");
      int n = 1 + pick(2);
      for (int i = 0; i < n; i++) {
        boolean pods = chance(50);
        policies
            .addObject()
            .put("type", pods ? "Pods" : "Percent")
            .put("value", (int) (pods ? 1 + pick(5) : oneOf(100, 10, 50, 200)))
            .put("periodSeconds", (int) oneOf(15, 60, 1));
      }
    }
    String tolerance = oneOf(null, "0.05", "0", "0.5", "0.2");
    if (tolerance != null) {
      r.put("tolerance", tolerance);
    }
    return r;
  }

  private void pod(
      ArrayNode pods, ArrayNode podMetrics, String name, int cpuInit, int readinessDelay) {
    ObjectNode p = pods.addObject().put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode meta = p.putObject("metadata").put("name", name).put("namespace", "shop");
    meta.putObject("labels").put("app", "web").put("tier", "db");
    if (chance(5)) {
      meta.put("deletionTimestamp", at(-10));
    }
    ArrayNode containers = p.putObject("spec").putArray("containers");
    ObjectNode appRequests =
        containers.addObject().put("name", "app").putObject("resources").putObject("requests");
    if (!chance(4)) {
      appRequests.put("cpu", oneOf("1", "500m", "250m"));
    }
    if (!chance(4)) {
      appRequests.put("memory", oneOf("256Mi", "128Mi"));
    }
    boolean sidecar = chance(30);
    if (sidecar) {
      containers
          .addObject()
          .put("name", "sidecar")
          .putObject("resources")
          .putObject("requests")
          .put("cpu", "100m")
          .put("memory", "64Mi");
    }
    boolean proxy = chance(10);
    if (proxy) {
      // A restartable init container (a sidecar): its requests count toward the pod's.
      p.with("spec")
          .putArray("initContainers")
          .addObject()
          .put("name", "proxy")
          .put("restartPolicy", "Always")
          .putObject("resources")
          .putObject("requests")
          .put("cpu", "200m")
          .put("memory", "32Mi");
    }
    if (chance(8)) {
      // Pod-level requests take precedence over the containers' unless a container is named.
      ObjectNode podRequests = p.with("spec").putObject("resources").putObject("requests");
      podRequests.put("cpu", oneOf("2", "1500m"));
      if (chance(50)) {
        podRequests.put("memory", "512Mi");
      }
    }
    ObjectNode status = p.putObject("status");
    status.put(
        "phase", !chance(15) ? "Running" : oneOf("Pending", "Failed", "Succeeded", "Unknown"));
    Long start = null;
    if (!chance(5)) {
      start =
          oneOf(
              -3600L,
              (long) -cpuInit,
              (long) -cpuInit + 1,
              (long) -cpuInit - 1,
              -10L,
              (long) -readinessDelay);
      status.put("startTime", at(start));
    }
    Long transition = null;
    if (!chance(5)) {
      long base = start == null ? -600 : start;
      transition =
          oneOf(
              base + readinessDelay,
              base + readinessDelay - 1,
              base + readinessDelay + 1,
              base,
              base + 5,
              -30L,
              -61L);
      status
          .putArray("conditions")
          .addObject()
          .put("type", "Ready")
          .put("status", !chance(20) ? "True" : oneOf("False", "Unknown"))
          .put("lastTransitionTime", at(transition));
    }
    if (chance(12)) {
      return; // no PodMetrics for this pod
    }
    ObjectNode m = podMetrics.addObject();
    m.putObject("metadata").put("name", name).put("namespace", "shop");
    int window = oneOf(30, 60);
    long sampled =
        transition != null && chance(25)
            ? transition + window + oneOf(0, -1, 1)
            : -oneOf(15L, 30L, 0L, 60L);
    m.put("timestamp", at(sampled));
    m.put("window", window + "s");
    ArrayNode usage = m.putArray("containers");
    if (!chance(10)) {
      ObjectNode u = usage.addObject().put("name", "app").putObject("usage");
      if (!chance(4)) {
        u.put("cpu", oneOf("500m", "550m", "450m", "1", "250m", "0", "900m", "2", "100m"));
      }
      if (!chance(4)) {
        u.put("memory", oneOf("128Mi", "100Mi", "200Mi", "256Mi", "64Mi", "300Mi"));
      }
    }
    if (proxy && !chance(10)) {
      usage
          .addObject()
          .put("name", "proxy")
          .putObject("usage")
          .put("cpu", oneOf("100m", "300m"))
          .put("memory", "16Mi");
    }
    if (sidecar && !chance(10)) {
      usage
          .addObject()
          .put("name", "sidecar")
          .putObject("usage")
          .put("cpu", oneOf("50m", "100m", "10m"))
          .put("memory", oneOf("32Mi", "64Mi"));
    }
  }
}
