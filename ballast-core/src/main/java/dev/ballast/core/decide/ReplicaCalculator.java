package dev.ballast.core.decide;

import dev.ballast.core.decide.model.CustomMetricValue;
import dev.ballast.core.decide.model.ExternalMetricValue;
import dev.ballast.core.decide.model.MetricResult;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.MetricValue;
import dev.ballast.core.decide.model.PodClass;
import dev.ballast.core.decide.model.PodCounts;
import dev.ballast.core.decide.model.PodInfo;
import dev.ballast.core.decide.model.PodUsage;
import dev.ballast.core.decide.model.PodVerdict;
import dev.ballast.core.decide.model.RuleApplication;
import dev.ballast.core.decide.model.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One metric's replica proposal with the HPA replica calculator's exact rules: pod grouping
 * (ignored, unready, missing), integer utilization and averages in milli-units, the tolerance band,
 * the rebalancing of missing and unready pods, and the "no change when the direction flips" checks.
 */
final class ReplicaCalculator {

  /** The outcome of one metric, plus what the controller needs from it. */
  record Computed(
      MetricResult result,
      String metricName,
      String conditionReason,
      String conditionMessage,
      List<RuleApplication> rules) {}

  /** A per-pod sample: value in milli-units, when it was taken and over which window. */
  private record Sample(long value, Instant timestamp, Duration window) {}

  /** The pods of one metric, by class. */
  private record Grouping(
      int readyCount, Set<String> unready, Set<String> missing, Set<String> ignored) {}

  /** An expected failure of one metric; its message becomes the HPA's error text. */
  private static final class MetricFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MetricFailure(String message) {
      super(message, null, false, false);
    }
  }

  private final Snapshot snapshot;
  private final Tolerances tolerances;
  private final int specReplicas;
  private final int statusReplicas;
  private final Set<String> selectedPods;
  private final Map<String, PodUsage> usageByPod;

  // Per-metric scratch state, reset by compute().
  private List<String> steps;
  private List<PodVerdict> verdicts;
  private List<RuleApplication> rules;
  private PodCounts counts;
  private MetricValue current;

  ReplicaCalculator(Snapshot snapshot, Tolerances tolerances) {
    this.snapshot = snapshot;
    this.tolerances = tolerances;
    this.specReplicas = snapshot.scale().specReplicas();
    this.statusReplicas = snapshot.scale().statusReplicas();
    Set<String> selected = new HashSet<>(snapshot.pods().size() * 2);
    for (PodInfo p : snapshot.pods()) {
      selected.add(p.name());
    }
    this.selectedPods = selected;
    // The metrics APIs are asked with the Scale's selector: they return samples of the selected
    // pods only, so a sample of a pod that is not among the snapshot's pods is not one of them.
    this.usageByPod = new LinkedHashMap<>();
    for (PodUsage u : snapshot.podMetrics()) {
      if (selected.contains(u.pod())) {
        usageByPod.put(u.pod(), u);
      }
    }
  }

  Computed compute(MetricSpec spec) {
    steps = new ArrayList<>();
    verdicts = new ArrayList<>();
    rules = new ArrayList<>();
    counts = PodCounts.NONE;
    current = null;
    String reason = "";
    String metricName;
    String outerPrefix = "";
    String middlePrefix = "";
    try {
      if (spec instanceof MetricSpec.Resource r) {
        reason = "FailedGetResourceMetric";
        outerPrefix = "failed to get " + r.resource() + " resource metric value: ";
        metricName = resourceMetricName(r.resource(), r.target(), false);
        middlePrefix = resourceMiddlePrefix(r.resource(), r.target());
        return ok(spec, resource(r.resource(), "", r.target()), metricName);
      } else if (spec instanceof MetricSpec.ContainerResource r) {
        reason = "FailedGetContainerResourceMetric";
        outerPrefix = "failed to get " + r.container() + " container metric value: ";
        metricName = resourceMetricName(r.resource(), r.target(), true);
        middlePrefix = resourceMiddlePrefix(r.resource(), r.target());
        return ok(spec, resource(r.resource(), r.container(), r.target()), metricName);
      } else if (spec instanceof MetricSpec.Pods m) {
        reason = "FailedGetPodsMetric";
        outerPrefix = "failed to get pods metric value: ";
        metricName = "pods metric " + m.metricName();
        return ok(spec, podsMetric(m), metricName);
      } else if (spec instanceof MetricSpec.Object o) {
        reason = "FailedGetObjectMetric";
        outerPrefix = "failed to get object metric value: ";
        if (o.target().type() == MetricTarget.Type.VALUE) {
          metricName = o.describedObject().kind() + " metric " + o.metricName();
        } else {
          // The HPA names an Object AverageValue proposal like an external metric; kept as is.
          metricName = "external metric " + o.metricName() + "(" + o.selector() + ")";
          middlePrefix = "failed to get " + o.metricName() + " object metric: ";
        }
        return ok(spec, objectMetric(o), metricName);
      } else {
        MetricSpec.External e = (MetricSpec.External) spec;
        reason = "FailedGetExternalMetric";
        outerPrefix = "failed to get " + e.metricName() + " external metric value: ";
        metricName = "external metric " + e.metricName() + "(" + e.selector() + ")";
        middlePrefix = "failed to get external metric " + e.metricName() + ": ";
        return ok(spec, externalMetric(e), metricName);
      }
    } catch (MetricFailure f) {
      String middle = middlePrefix + f.getMessage();
      String outer = outerPrefix + middle;
      steps.add("error: " + f.getMessage());
      MetricResult result =
          new MetricResult(spec, null, current, counts, verdicts, steps, outer, reason);
      return new Computed(
          result,
          "",
          reason,
          "the HPA was unable to compute the replica count: " + middle,
          List.of());
    }
  }

  private Computed ok(MetricSpec spec, int proposal, String metricName) {
    MetricResult result =
        new MetricResult(spec, proposal, current, counts, verdicts, steps, null, null);
    return new Computed(result, metricName, null, null, rules);
  }

  private static String resourceMetricName(String resource, MetricTarget t, boolean container) {
    if (t.type() == MetricTarget.Type.AVERAGE_VALUE) {
      return resource + " resource";
    }
    return container
        ? resource + " container resource utilization (percentage of request)"
        : resource + " resource utilization (percentage of request)";
  }

  private static String resourceMiddlePrefix(String resource, MetricTarget t) {
    return t.type() == MetricTarget.Type.AVERAGE_VALUE
        ? "failed to get " + resource + " usage: "
        : "failed to get " + resource + " utilization: ";
  }

  // ---------------------------------------------------------------- Resource and ContainerResource

  private int resource(String resource, String container, MetricTarget target) {
    Map<String, Sample> metrics = resourceSamples(resource, container);
    if (target.type() == MetricTarget.Type.AVERAGE_VALUE) {
      return plain(metrics, target.amount(), resource);
    }
    return utilization(metrics, (int) target.amount(), resource, container);
  }

  /** The resource metrics API's samples: per pod, the sum over containers (or one container). */
  private Map<String, Sample> resourceSamples(String resource, String container) {
    if (usageByPod.isEmpty()) {
      throw fail(
          "unable to get metrics for resource "
              + resource
              + ": no metrics returned from resource metrics API");
    }
    Map<String, Sample> res = new LinkedHashMap<>(usageByPod.size() * 2);
    for (PodUsage u : usageByPod.values()) {
      if (!container.isEmpty()) {
        for (PodUsage.ContainerUsage c : u.containers()) {
          if (c.name().equals(container)) {
            Long v = c.usageMilli().get(resource);
            if (v != null) {
              res.put(u.pod(), new Sample(v, u.timestamp(), u.window()));
            }
            break;
          }
        }
        // A pod whose metrics lack the container gets no sample: the metrics client skips it, so
        // it counts as a pod with a missing metric (failed and deleted pods are set aside first).
      } else {
        long sum = 0;
        boolean missing = u.containers().isEmpty();
        for (PodUsage.ContainerUsage c : u.containers()) {
          Long v = c.usageMilli().get(resource);
          if (v == null) {
            missing = true;
            break;
          }
          sum += v;
        }
        if (!missing) {
          res.put(u.pod(), new Sample(sum, u.timestamp(), u.window()));
        }
      }
    }
    return res;
  }

  private int utilization(
      Map<String, Sample> metrics, int targetUtilization, String resource, String container) {
    List<PodInfo> pods = requirePods();
    Grouping g = group(pods, metrics, resource);
    metrics.keySet().removeAll(g.ignored());
    metrics.keySet().removeAll(g.unready());
    if (metrics.isEmpty()) {
      throw fail("did not receive metrics for targeted pods (pods might be unready)");
    }
    Map<String, Long> requests = requests(pods, container, resource);
    UtilizationRatio r = utilizationRatio(metrics, requests, targetUtilization);
    current = MetricValue.ofUtilization(r.utilization, r.rawAverage);
    steps.add(
        "utilization = 100 × Σusage / Σrequests over "
            + r.entries
            + " pods with samples = 100 × "
            + Fmt.m(r.usageTotal)
            + " / "
            + Fmt.m(r.requestTotal)
            + " = "
            + r.utilization
            + "% (whole percent, rounded down); average usage "
            + Fmt.q(r.rawAverage));
    steps.add(
        "usage ratio = "
            + r.utilization
            + "% / "
            + targetUtilization
            + "% target = "
            + Fmt.num(r.ratio));

    boolean scaleUpWithUnready = !g.unready().isEmpty() && r.ratio > 1.0;
    if (!scaleUpWithUnready && g.missing().isEmpty()) {
      return direct(r.ratio, g.readyCount());
    }
    // On a scale-down a missing pod counts as using 100 % of its request (or the target when the
    // target is above 100 %), so that missing data never speeds up a shrink.
    long fallback = Math.max(100, targetUtilization);
    rebalance(
        g,
        metrics,
        r.ratio,
        scaleUpWithUnready,
        pod -> requests.get(pod) * fallback / 100,
        fallback + "% of their request",
        "0%");
    UtilizationRatio nr = utilizationRatio(metrics, requests, targetUtilization);
    steps.add(
        "rebalanced utilization = 100 × "
            + Fmt.m(nr.usageTotal)
            + " / "
            + Fmt.m(nr.requestTotal)
            + " = "
            + nr.utilization
            + "%; rebalanced ratio = "
            + Fmt.num(nr.ratio));
    return rebalanced(r.ratio, nr.ratio, metrics.size());
  }

  private record UtilizationRatio(
      double ratio,
      int utilization,
      long rawAverage,
      long usageTotal,
      long requestTotal,
      int entries) {}

  private static UtilizationRatio utilizationRatio(
      Map<String, Sample> metrics, Map<String, Long> requests, int targetUtilization) {
    long usageTotal = 0;
    long requestTotal = 0;
    int entries = 0;
    for (Map.Entry<String, Sample> e : metrics.entrySet()) {
      Long request = requests.get(e.getKey());
      if (request == null) {
        // A sample of a pod we do not know: the HPA skips it here.
        continue;
      }
      usageTotal += e.getValue().value();
      requestTotal += request;
      entries++;
    }
    if (requestTotal == 0) {
      throw fail("no metrics returned matched known pods");
    }
    int utilization = (int) ((usageTotal * 100) / requestTotal);
    return new UtilizationRatio(
        (double) utilization / targetUtilization,
        utilization,
        usageTotal / entries,
        usageTotal,
        requestTotal,
        entries);
  }

  /** Requests per pod in milli-units: every container's, or one container's. */
  private static Map<String, Long> requests(List<PodInfo> pods, String container, String resource) {
    Map<String, Long> requests = new HashMap<>(pods.size() * 2);
    for (PodInfo pod : pods) {
      if (container.isEmpty() && pod.hasPodLevelRequests()) {
        // Pod-level requests (spec.resources) take precedence unless a container is named.
        requests.put(pod.name(), podLevelRequest(pod, resource));
        continue;
      }
      long request = 0;
      boolean found = false;
      for (PodInfo.ContainerRequests c : pod.containers()) {
        if (container.isEmpty() || container.equals(c.name())) {
          Long r = c.requestsMilli().get(resource);
          if (r == null) {
            throw fail(
                "missing request for "
                    + resource
                    + " in container "
                    + c.name()
                    + " of Pod "
                    + pod.name());
          }
          request += r;
        }
        if (container.equals(c.name())) {
          found = true;
          break;
        }
      }
      if (!container.isEmpty() && !found) {
        throw fail("container " + container + " not found in Pod " + pod.name());
      }
      requests.put(pod.name(), request);
    }
    return requests;
  }

  /**
   * The pod's request with pod-level requests set: the pod-level value for the resource, else the
   * sum of the containers' requests for it (as Kubernetes aggregates a pod's requests).
   */
  private static long podLevelRequest(PodInfo pod, String resource) {
    Long podLevel = pod.podRequestsMilli().get(resource);
    if (podLevel != null) {
      return podLevel;
    }
    long sum = 0;
    boolean any = false;
    for (PodInfo.ContainerRequests c : pod.containers()) {
      Long r = c.requestsMilli().get(resource);
      if (r != null) {
        sum += r;
        any = true;
      }
    }
    if (!any) {
      throw fail("missing pod-level request for " + resource + " in Pod " + pod.name());
    }
    return sum;
  }

  // ------------------------------------------------------------------------------ Pods (per pod)

  private int podsMetric(MetricSpec.Pods m) {
    Map<String, Sample> metrics = new LinkedHashMap<>();
    for (CustomMetricValue v : snapshot.customMetrics()) {
      if (v.metricName().equals(m.metricName())
          && v.describedObject().kind().equalsIgnoreCase("Pod")
          && selectedPods.contains(v.describedObject().name())) {
        metrics.put(
            v.describedObject().name(),
            new Sample(v.valueMilli(), v.timestamp(), v.effectiveWindow()));
      }
    }
    if (metrics.isEmpty()) {
      throw fail(
          "unable to get metric "
              + m.metricName()
              + ": no metrics returned from custom metrics API");
    }
    steps.add(
        "target: average " + m.metricName() + " of " + Fmt.q(m.target().amount()) + " per pod");
    return plain(metrics, m.target().amount(), "");
  }

  /** The calculation for average values per pod (Pods metrics, Resource AverageValue). */
  private int plain(Map<String, Sample> metrics, long targetUsage, String resource) {
    List<PodInfo> pods = requirePods();
    Grouping g = group(pods, metrics, resource);
    metrics.keySet().removeAll(g.ignored());
    metrics.keySet().removeAll(g.unready());
    if (metrics.isEmpty()) {
      throw fail("did not receive metrics for targeted pods (pods might be unready)");
    }
    long total = sum(metrics);
    long usage = total / metrics.size();
    double ratio = (double) usage / targetUsage;
    current = MetricValue.ofAverageValue(usage);
    steps.add(
        "average = Σvalues / samples = "
            + Fmt.q(total)
            + " / "
            + metrics.size()
            + " = "
            + Fmt.q(usage)
            + " (rounded down to a milli-unit)");
    steps.add(
        "usage ratio = " + Fmt.q(usage) + " / " + Fmt.q(targetUsage) + " = " + Fmt.num(ratio));

    boolean scaleUpWithUnready = !g.unready().isEmpty() && ratio > 1.0;
    if (!scaleUpWithUnready && g.missing().isEmpty()) {
      return direct(ratio, g.readyCount());
    }
    rebalance(
        g,
        metrics,
        ratio,
        scaleUpWithUnready,
        pod -> targetUsage,
        "the target " + Fmt.q(targetUsage),
        "0");
    long newTotal = sum(metrics);
    long newUsage = newTotal / metrics.size();
    double newRatio = (double) newUsage / targetUsage;
    steps.add(
        "rebalanced average = "
            + Fmt.q(newTotal)
            + " / "
            + metrics.size()
            + " = "
            + Fmt.q(newUsage)
            + "; rebalanced ratio = "
            + Fmt.num(newRatio));
    return rebalanced(ratio, newRatio, metrics.size());
  }

  /**
   * The HPA's rebalancing before a ratio is recomputed: pods without samples count as {@code
   * scaleDownValue} on a scale-down (described as {@code scaleDownLabel}) and as zero on a
   * scale-up; unready pods count as zero on a scale-up ({@code scaleUpWithUnready}). Each rule
   * applied is recorded in the steps, zero written as {@code zero}.
   */
  private void rebalance(
      Grouping g,
      Map<String, Sample> metrics,
      double ratio,
      boolean scaleUpWithUnready,
      java.util.function.ToLongFunction<String> scaleDownValue,
      String scaleDownLabel,
      String zero) {
    if (!g.missing().isEmpty() && ratio < 1.0) {
      for (String pod : g.missing()) {
        metrics.put(pod, new Sample(scaleDownValue.applyAsLong(pod), null, null));
      }
      steps.add(
          "rebalance: "
              + g.missing().size()
              + " pods without samples count as "
              + scaleDownLabel
              + " (scale-down)");
    } else if (!g.missing().isEmpty() && ratio > 1.0) {
      for (String pod : g.missing()) {
        metrics.put(pod, new Sample(0, null, null));
      }
      steps.add(
          "rebalance: "
              + g.missing().size()
              + " pods without samples count as "
              + zero
              + " (scale-up)");
    }
    if (scaleUpWithUnready) {
      for (String pod : g.unready()) {
        metrics.put(pod, new Sample(0, null, null));
      }
      steps.add(
          "rebalance: " + g.unready().size() + " unready pods count as " + zero + " (scale-up)");
    }
  }

  private static long sum(Map<String, Sample> metrics) {
    long total = 0;
    for (Sample s : metrics.values()) {
      total += s.value();
    }
    return total;
  }

  /** No unready or missing pods to account for: tolerance, then ceil(ratio × ready pods). */
  private int direct(double ratio, int readyCount) {
    int raw = ceilToInt(ratio * readyCount);
    if (tolerances.isWithin(ratio)) {
      steps.add(
          "ratio "
              + Fmt.num(ratio)
              + " is within the tolerance band "
              + tolerances.band()
              + " → keep "
              + specReplicas
              + " replicas");
      if (raw != specReplicas) {
        rules.add(
            new RuleApplication(
                "tolerance",
                raw,
                specReplicas,
                "usage ratio " + Fmt.num(ratio) + " within tolerance " + tolerances.band()));
      }
      return specReplicas;
    }
    steps.add("proposal = ceil(" + Fmt.num(ratio) + " × " + readyCount + " ready pods) = " + raw);
    return raw;
  }

  /** After rebalancing: tolerance, direction flips, then ceil(new ratio × pods counted). */
  private int rebalanced(double ratio, double newRatio, int counted) {
    if (tolerances.isWithin(newRatio)) {
      steps.add(
          "rebalanced ratio "
              + Fmt.num(newRatio)
              + " is within the tolerance band "
              + tolerances.band()
              + " → keep "
              + specReplicas
              + " replicas");
      int raw = ceilToInt(newRatio * counted);
      if (raw != specReplicas) {
        rules.add(
            new RuleApplication(
                "tolerance",
                raw,
                specReplicas,
                "rebalanced usage ratio "
                    + Fmt.num(newRatio)
                    + " within tolerance "
                    + tolerances.band()));
      }
      return specReplicas;
    }
    if ((ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
      steps.add(
          "rebalancing flips the direction (ratio "
              + Fmt.num(ratio)
              + " → "
              + Fmt.num(newRatio)
              + ") → keep "
              + specReplicas
              + " replicas");
      if (ceilToInt(newRatio * counted) != specReplicas) {
        rules.add(
            new RuleApplication(
                "rebalanceDirection",
                ceilToInt(newRatio * counted),
                specReplicas,
                "missing/unready pods would flip the scaling direction"));
      }
      return specReplicas;
    }
    int replicas = ceilToInt(newRatio * counted);
    if ((newRatio < 1.0 && replicas > specReplicas)
        || (newRatio > 1.0 && replicas < specReplicas)) {
      steps.add(
          "ceil("
              + Fmt.num(newRatio)
              + " × "
              + counted
              + ") = "
              + replicas
              + " would move against the ratio's direction → keep "
              + specReplicas
              + " replicas");
      rules.add(
          new RuleApplication(
              "rebalanceDirection",
              replicas,
              specReplicas,
              "the count of pods considered would flip the scaling direction"));
      return specReplicas;
    }
    steps.add(
        "proposal = ceil(" + Fmt.num(newRatio) + " × " + counted + " pods counted) = " + replicas);
    return replicas;
  }

  // ------------------------------------------------------------------------ Object and External

  private int objectMetric(MetricSpec.Object o) {
    Long usage = null;
    for (CustomMetricValue v : snapshot.customMetrics()) {
      if (v.metricName().equals(o.metricName())
          && v.describedObject().kind().equals(o.describedObject().kind())
          && v.describedObject().name().equals(o.describedObject().name())
          && (o.describedObject().apiVersion().isEmpty()
              || v.describedObject().apiVersion().isEmpty()
              || v.describedObject().apiVersion().equals(o.describedObject().apiVersion()))) {
        usage = v.valueMilli();
      }
    }
    if (usage == null) {
      throw fail(
          "unable to get metric "
              + o.metricName()
              + ": no value for "
              + o.describedObject()
              + " in customMetrics");
    }
    steps.add(o.describedObject() + " " + o.metricName() + " = " + Fmt.q(usage));
    if (o.target().type() == MetricTarget.Type.VALUE) {
      current = MetricValue.ofValue(usage);
      return valueRatio(usage, o.target().amount());
    }
    return perPod(usage, o.target().amount());
  }

  private int externalMetric(MetricSpec.External e) {
    long usage = 0;
    int series = 0;
    for (ExternalMetricValue v : snapshot.externalMetrics()) {
      if (v.metricName().equals(e.metricName()) && e.selector().matches(v.labels())) {
        usage = saturatedAdd(usage, v.valueMilli());
        series++;
      }
    }
    if (series == 0) {
      throw fail(
          "unable to get external metric "
              + e.metricName()
              + "/"
              + e.selector()
              + ": no metrics returned from external metrics API");
    }
    steps.add(
        e.metricName()
            + " = sum of "
            + series
            + " matching series"
            + (e.selector().isEmpty() ? "" : " {" + e.selector() + "}")
            + " = "
            + Fmt.q(usage));
    if (e.target().type() == MetricTarget.Type.VALUE) {
      current = MetricValue.ofValue(usage);
      return valueRatio(usage, e.target().amount());
    }
    return perPod(usage, e.target().amount());
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return r < 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return r;
  }

  /** A Value target: ratio = value / target, scaled by the running and ready pods. */
  private int valueRatio(long usage, long target) {
    double ratio = (double) usage / target;
    steps.add(
        "usage ratio = " + Fmt.q(usage) + " / " + Fmt.q(target) + " target = " + Fmt.num(ratio));
    if (specReplicas == 0) {
      // Scale from zero: the ratio alone decides (no pods to count, no tolerance).
      int r = ceilToInt(ratio);
      steps.add("current replicas are 0 → proposal = ceil(" + Fmt.num(ratio) + ") = " + r);
      return r;
    }
    if (tolerances.isWithin(ratio)) {
      steps.add(
          "ratio "
              + Fmt.num(ratio)
              + " is within the tolerance band "
              + tolerances.band()
              + " → keep "
              + specReplicas
              + " replicas");
      return specReplicas;
    }
    List<PodInfo> pods = snapshot.pods();
    if (pods.isEmpty()) {
      throw fail(
          "unable to calculate ready pods: no pods returned by selector while calculating replica"
              + " count");
    }
    int ready = 0;
    for (PodInfo p : pods) {
      if (p.isRunningAndReady()) {
        ready++;
      }
    }
    counts = new PodCounts(ready, pods.size() - ready, 0, 0);
    int r = ceilToInt(ratio * ready);
    steps.add(
        "proposal = ceil(" + Fmt.num(ratio) + " × " + ready + " running and ready pods) = " + r);
    return r;
  }

  /** An AverageValue target of Object/External: value / target, against status.replicas. */
  private int perPod(long usage, long target) {
    int replicas = statusReplicas;
    double ratio = (double) usage / ((double) target * replicas);
    long average = replicas == 0 ? usage : (long) Math.ceil((double) usage / replicas);
    current = MetricValue.ofAverageValue(average);
    steps.add(
        "usage ratio = "
            + Fmt.q(usage)
            + " / ("
            + Fmt.q(target)
            + " × "
            + replicas
            + " replicas in status) = "
            + Fmt.num(ratio));
    if (!tolerances.isWithin(ratio)) {
      replicas = ceilToInt((double) usage / target);
      steps.add("proposal = ceil(" + Fmt.q(usage) + " / " + Fmt.q(target) + ") = " + replicas);
    } else {
      steps.add(
          "ratio "
              + Fmt.num(ratio)
              + " is within the tolerance band "
              + tolerances.band()
              + " → keep "
              + replicas
              + " replicas (status.replicas)");
    }
    return replicas;
  }

  // ------------------------------------------------------------------------------ pod grouping

  private List<PodInfo> requirePods() {
    if (snapshot.pods().isEmpty()) {
      throw fail("no pods returned by selector while calculating replica count");
    }
    return snapshot.pods();
  }

  private static final String WHY_DELETING = "deletionTimestamp set";
  private static final String WHY_FAILED = "phase Failed";
  private static final String WHY_PENDING = "phase Pending";
  private static final String WHY_NO_SAMPLE = "no sample";
  private static final String WHY_NO_CONDITION = "cpu: no Ready condition or no start time";
  private static final String WHY_INIT_NOT_READY =
      "cpu: within the initialization period and not Ready";
  private static final String WHY_INIT_STALE =
      "cpu: within the initialization period and the sample is not one window past readiness";
  private static final String WHY_NEVER_READY =
      "cpu: not Ready and never became Ready within the initial readiness delay";
  private static final String WHY_READY = "counted";

  /**
   * The HPA's pod grouping: deleted or failed pods are ignored; pending pods are unready; pods
   * without a sample are missing; for cpu, a pod is unready while it is in its initialization
   * period and not ready (or its sample predates one window after turning ready), or after it when
   * it is not ready and never was within the initial readiness delay.
   */
  private Grouping group(List<PodInfo> pods, Map<String, Sample> metrics, String resource) {
    boolean cpu = "cpu".equals(resource);
    Instant now = snapshot.now();
    // start + period > now, computed once: a pod that started after this is still initializing
    Instant initializingSince = now.minus(snapshot.controller().cpuInitializationPeriod());
    Duration readinessDelay = snapshot.controller().initialReadinessDelay();
    int ready = 0;
    Set<String> unready = new LinkedHashSet<>();
    Set<String> missing = new LinkedHashSet<>();
    Set<String> ignored = new LinkedHashSet<>();
    for (PodInfo pod : pods) {
      if (pod.deleting() || pod.phase() == PodInfo.Phase.FAILED) {
        ignored.add(pod.name());
        verdicts.add(
            new PodVerdict(
                pod.name(), PodClass.IGNORED, pod.deleting() ? WHY_DELETING : WHY_FAILED));
        continue;
      }
      if (pod.phase() == PodInfo.Phase.PENDING) {
        unready.add(pod.name());
        verdicts.add(new PodVerdict(pod.name(), PodClass.UNREADY, WHY_PENDING));
        continue;
      }
      Sample sample = metrics.get(pod.name());
      if (sample == null) {
        missing.add(pod.name());
        verdicts.add(new PodVerdict(pod.name(), PodClass.MISSING, WHY_NO_SAMPLE));
        continue;
      }
      if (cpu) {
        String why = null;
        PodInfo.ReadyCondition cond = pod.ready();
        if (cond == null || pod.startTime() == null) {
          why = WHY_NO_CONDITION;
        } else if (pod.startTime().isAfter(initializingSince)) {
          if (cond.status() == PodInfo.ReadyCondition.Status.FALSE) {
            why = WHY_INIT_NOT_READY;
          } else if (sample.timestamp().isBefore(cond.lastTransitionTime().plus(sample.window()))) {
            why = WHY_INIT_STALE;
          }
        } else if (cond.status() == PodInfo.ReadyCondition.Status.FALSE
            && pod.startTime().plus(readinessDelay).isAfter(cond.lastTransitionTime())) {
          why = WHY_NEVER_READY;
        }
        if (why != null) {
          unready.add(pod.name());
          verdicts.add(new PodVerdict(pod.name(), PodClass.UNREADY, why));
          continue;
        }
      }
      ready++;
      verdicts.add(new PodVerdict(pod.name(), PodClass.READY, WHY_READY));
    }
    counts = new PodCounts(ready, unready.size(), missing.size(), ignored.size());
    steps.add(
        "pods: "
            + ready
            + " ready, "
            + unready.size()
            + " unready, "
            + missing.size()
            + " missing a sample, "
            + ignored.size()
            + " ignored");
    return new Grouping(ready, unready, missing, ignored);
  }

  static int ceilToInt(double v) {
    double c = Math.ceil(v);
    if (c >= Integer.MAX_VALUE) {
      return Integer.MAX_VALUE;
    }
    return (int) c;
  }

  private static MetricFailure fail(String message) {
    return new MetricFailure(message);
  }
}
