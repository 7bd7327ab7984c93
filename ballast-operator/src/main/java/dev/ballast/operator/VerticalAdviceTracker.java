package dev.ballast.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.vertical.DecayingHistogram;
import dev.ballast.core.vertical.VerticalRecommender;
import dev.ballast.core.vertical.VerticalSettings;
import dev.ballast.crd.v1alpha1.VerticalAdviceStatus;
import dev.ballast.operator.metrics.PodMetricsSource.ContainerUsage;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's side of {@code spec.verticalAdvice}: one decaying CPU and one memory histogram per
 * container name over every member's pod (what a pod template can take, as the VPA recommends per
 * container), fed with each PodMetrics sample once (a pod's sample counts only when its timestamp
 * is newer than the last one counted, as the VPA's recommender does), turned into requests by the
 * core's {@link VerticalRecommender}, and kept in {@code status.verticalAdvice.checkpoint} so that
 * a new leader resumes the same histograms. Every sample weighs 1, as in {@code ballast recommend
 * --vertical}.
 *
 * <p>The checkpoint is bounded: at most {@link VerticalAdviceStatus#CONTAINER_LIMIT} containers,
 * each with at most 175 CPU and 175 memory buckets (the non-zero ones, so usually a few dozen), and
 * one timestamp per current member's pod. Advice only: nothing here changes a workload.
 */
final class VerticalAdviceTracker {
  private static final Logger LOG = LoggerFactory.getLogger(VerticalAdviceTracker.class);
  private static final double MIB = 1024.0 * 1024.0;
  private static final int VERSION = 1;

  private final VerticalSettings settings;
  private final VerticalRecommender recommender;
  private final Map<String, Container> containers = new TreeMap<>();
  private final Map<String, Instant> lastSeen = new TreeMap<>();
  private String reason = "Waiting";
  private String message = "no usage read yet";

  /** The histograms of one container name. */
  private final class Container {
    final DecayingHistogram cpu;
    final DecayingHistogram memory;
    long samples;
    Instant first;
    Instant last;

    Container(Instant reference) {
      cpu = DecayingHistogram.cpu(settings.halfLife(), reference);
      memory = DecayingHistogram.memory(settings.halfLife(), reference);
    }
  }

  /** A tracker resuming {@code saved} (a previous leader's status) when its half-life matches. */
  VerticalAdviceTracker(VerticalSettings settings, VerticalAdviceStatus saved) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.recommender = new VerticalRecommender(settings);
    if (saved != null && saved.checkpoint != null) {
      try {
        restore(saved.checkpoint);
      } catch (RuntimeException e) {
        // A checkpoint of another version or a hand edit: start over rather than fail the sync.
        LOG.warn("action=vertical-checkpoint-ignored message=\"{}\"", e.getMessage());
        containers.clear();
        lastSeen.clear();
      }
    }
  }

  /**
   * Adds the samples of {@code usage} not counted yet, for the pods of {@code members} (the pods no
   * longer members are forgotten).
   */
  synchronized void observe(Collection<ContainerUsage> usage, Collection<String> members) {
    lastSeen.keySet().retainAll(members);
    Map<String, Instant> newest = new HashMap<>();
    int added = 0;
    for (ContainerUsage u : usage) {
      Instant seen = lastSeen.get(u.pod());
      if (!members.contains(u.pod()) || (seen != null && !u.time().isAfter(seen))) {
        continue;
      }
      Container c = containers.get(u.container());
      if (u.cpuCores() == null && u.memoryBytes() == null
          || c == null && containers.size() >= VerticalAdviceStatus.CONTAINER_LIMIT) {
        continue;
      }
      if (c == null) {
        c = new Container(u.time());
        containers.put(u.container(), c);
      }
      if (u.cpuCores() != null) {
        c.cpu.add(u.cpuCores(), 1.0, u.time());
      }
      if (u.memoryBytes() != null) {
        c.memory.add(u.memoryBytes(), 1.0, u.time());
      }
      c.samples++;
      c.first = c.first == null || u.time().isBefore(c.first) ? u.time() : c.first;
      c.last = c.last == null || u.time().isAfter(c.last) ? u.time() : c.last;
      newest.merge(u.pod(), u.time(), (a, b) -> a.isAfter(b) ? a : b);
      added++;
    }
    lastSeen.putAll(newest);
    if (added > 0) {
      reason = "Observing";
      message = added + " container samples from " + newest.size() + " pods added";
    } else {
      reason = containers.isEmpty() ? "Waiting" : "Observing";
      message =
          usage.isEmpty()
              ? "metrics.k8s.io reports no usage for the members' pods yet"
              : "no usage newer than the samples already counted";
    }
  }

  /** Records that usage could not be read: the advice stays as it was. */
  synchronized void unavailable(String why) {
    reason = "MetricsUnavailable";
    message = why + "; the advice is unchanged";
  }

  /**
   * The status: each container's advice beside {@code requests} (its current requests by container
   * name), the reason, and the checkpoint.
   */
  synchronized VerticalAdviceStatus status(Map<String, Map<String, Quantity>> requests) {
    VerticalAdviceStatus s = new VerticalAdviceStatus();
    s.reason = reason;
    s.message = message;
    containers.forEach(
        (name, c) -> {
          VerticalAdviceStatus.ContainerAdvice a = new VerticalAdviceStatus.ContainerAdvice();
          a.containerName = name;
          a.samples = c.samples;
          a.firstSampleTime = c.first == null ? null : c.first.toString();
          a.lastSampleTime = c.last == null ? null : c.last.toString();
          VerticalRecommender.Estimate cpu =
              c.cpu.isEmpty() ? null : recommender.cpuEstimate(c.cpu);
          VerticalRecommender.Estimate memory =
              c.memory.isEmpty() ? null : recommender.memoryEstimate(c.memory);
          a.target =
              resources(cpu == null ? null : cpu.target(), memory == null ? null : memory.target());
          a.lowerBound =
              resources(cpu == null ? null : cpu.lower(), memory == null ? null : memory.lower());
          a.upperBound =
              resources(cpu == null ? null : cpu.upper(), memory == null ? null : memory.upper());
          Map<String, Quantity> current = requests.get(name);
          a.requests = current == null || current.isEmpty() ? null : new TreeMap<>(current);
          s.containers.add(a);
        });
    s.checkpoint = checkpoint();
    return s;
  }

  /** Cores as millicores and bytes as MiB, each rounded up (a request never below the advice). */
  private static Map<String, Quantity> resources(Double cores, Double bytes) {
    Map<String, Quantity> out = new LinkedHashMap<>();
    if (cores != null) {
      out.put("cpu", new Quantity((long) Math.ceil(cores * 1000 - 1e-9) + "m"));
    }
    if (bytes != null) {
      out.put("memory", new Quantity((long) Math.ceil(bytes / MIB - 1e-9) + "Mi"));
    }
    return out.isEmpty() ? null : out;
  }

  /**
   * {@code {version, halfLifeMillis, pods: {pod: time}, containers: {name: {samples, first, last,
   * cpu: {reference, total, weights: [[bucket, weight], ...]}, memory: {...}}}}}, times in RFC 3339
   * and weights as Jackson writes doubles (they read back exactly).
   */
  private JsonNode checkpoint() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("version", VERSION);
    root.put("halfLifeMillis", settings.halfLife().toMillis());
    ObjectNode pods = root.putObject("pods");
    lastSeen.forEach((pod, t) -> pods.put(pod, t.toString()));
    ObjectNode all = root.putObject("containers");
    containers.forEach(
        (name, c) -> {
          ObjectNode node = all.putObject(name);
          node.put("samples", c.samples);
          if (c.first != null) {
            node.put("first", c.first.toString());
            node.put("last", c.last.toString());
          }
          node.set("cpu", histogram(c.cpu.checkpoint()));
          node.set("memory", histogram(c.memory.checkpoint()));
        });
    return root;
  }

  private static ObjectNode histogram(DecayingHistogram.Checkpoint h) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("reference", h.reference().toString());
    node.put("total", h.total());
    var weights = node.putArray("weights");
    new TreeMap<>(h.weights()).forEach((i, w) -> weights.addArray().add(i).add(w));
    return node;
  }

  private void restore(JsonNode saved) {
    if (saved.path("version").asInt() != VERSION
        || saved.path("halfLifeMillis").asLong() != settings.halfLife().toMillis()) {
      LOG.info("action=vertical-checkpoint-reset reason=\"another half-life or version\"");
      return;
    }
    saved
        .path("pods")
        .fields()
        .forEachRemaining(e -> lastSeen.put(e.getKey(), Instant.parse(e.getValue().asText())));
    var fields = saved.path("containers").fields();
    while (fields.hasNext() && containers.size() < VerticalAdviceStatus.CONTAINER_LIMIT) {
      var e = fields.next();
      JsonNode node = e.getValue();
      Container c = new Container(Instant.EPOCH);
      c.cpu.restore(histogram(node.path("cpu")));
      c.memory.restore(histogram(node.path("memory")));
      c.samples = node.path("samples").asLong();
      if (node.has("first")) {
        c.first = Instant.parse(node.path("first").asText());
        c.last = Instant.parse(node.path("last").asText());
      }
      containers.put(e.getKey(), c);
    }
  }

  private static DecayingHistogram.Checkpoint histogram(JsonNode node) {
    if (!node.path("weights").isArray() || !node.path("reference").isTextual()) {
      throw new IllegalArgumentException("a histogram without reference or weights: " + node);
    }
    Map<Integer, Double> weights = new HashMap<>();
    for (JsonNode pair : node.path("weights")) {
      weights.put(pair.path(0).asInt(-1), pair.path(1).asDouble(-1));
    }
    return new DecayingHistogram.Checkpoint(
        Instant.parse(node.path("reference").asText()), node.path("total").asDouble(-1), weights);
  }
}
