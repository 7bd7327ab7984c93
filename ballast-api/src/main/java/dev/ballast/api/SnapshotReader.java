package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Condition;
import dev.ballast.core.decide.model.ControllerSettings;
import dev.ballast.core.decide.model.CustomMetricValue;
import dev.ballast.core.decide.model.ExternalMetricValue;
import dev.ballast.core.decide.model.History;
import dev.ballast.core.decide.model.ObjectReference;
import dev.ballast.core.decide.model.PodInfo;
import dev.ballast.core.decide.model.PodUsage;
import dev.ballast.core.decide.model.Recommendation;
import dev.ballast.core.decide.model.ScaleEvent;
import dev.ballast.core.decide.model.ScaleTarget;
import dev.ballast.core.decide.model.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a decision snapshot (see the snapshot design document): JSON or YAML written with
 * Kubernetes' own objects, into the engine's {@link Snapshot}. Every problem is an {@link
 * InvalidDocumentException} naming the field, e.g. {@code
 * snapshot.autoscaler.spec.metrics[1].resource.target: averageUtilization must be a positive
 * integer}.
 */
public final class SnapshotReader {
  private static final String ROOT = "snapshot";

  /**
   * Reads a file: {@code .json} as JSON, anything else as YAML (which also accepts JSON), within
   * {@link InputDocuments}' limits ({@link InputDocuments#MAX_SNAPSHOT_BYTES}).
   */
  public Snapshot read(Path file) throws IOException {
    InputDocuments.Syntax syntax = InputDocuments.Syntax.of(file);
    return read(
        InputDocuments.readText(file, InputDocuments.MAX_SNAPSHOT_BYTES, ROOT),
        syntax == InputDocuments.Syntax.JSON);
  }

  /** Reads a document's text, as JSON when {@code json}, else as YAML. */
  public Snapshot read(String content, boolean json) {
    return read(
        InputDocuments.parse(
            content, json ? InputDocuments.Syntax.JSON : InputDocuments.Syntax.YAML, ROOT));
  }

  /** Reads a parsed tree. */
  public Snapshot read(JsonNode tree) {
    try {
      return readTree(tree);
    } catch (IllegalArgumentException e) {
      // A record's own invariant caught something the field checks let through.
      throw new InvalidDocumentException(ROOT, e.getMessage());
    }
  }

  private Snapshot readTree(JsonNode tree) {
    Field root = Field.of(tree, ROOT);
    if (root.isMissing() || !tree.isObject()) {
      throw root.invalid("expected a JSON or YAML object with now, autoscaler and scale");
    }
    Instant now = root.get("now").requireTime();
    ControllerSettings controller = readController(root.get("controller"));
    Autoscaler autoscaler = readAutoscaler(root.get("autoscaler"));
    ScaleTarget scale = readScale(root.get("scale"));
    List<PodInfo> pods = new ArrayList<>();
    for (Field p : root.get("pods").list()) {
      pods.add(readPod(p.requireObject()));
    }
    List<PodUsage> podMetrics = new ArrayList<>();
    for (Field m : root.get("podMetrics").list()) {
      podMetrics.add(readPodMetrics(m.requireObject()));
    }
    List<CustomMetricValue> custom = new ArrayList<>();
    for (Field m : root.get("customMetrics").list()) {
      custom.add(readCustom(m.requireObject()));
    }
    List<ExternalMetricValue> external = new ArrayList<>();
    for (Field m : root.get("externalMetrics").list()) {
      external.add(readExternal(m.requireObject()));
    }
    History history = readHistory(root.get("history"));
    return new Snapshot(
        now, controller, autoscaler, scale, pods, podMetrics, custom, external, history);
  }

  private static ControllerSettings readController(Field c) {
    ControllerSettings d = ControllerSettings.DEFAULTS;
    if (c.isMissing()) {
      return d;
    }
    c.requireObject();
    Double tolerance = c.get("tolerance").nonNegativeNumber();
    Integer cpuInit =
        c.get("cpuInitializationPeriodSeconds").integer(0, "a whole number of seconds >= 0");
    Integer delay =
        c.get("initialReadinessDelaySeconds").integer(0, "a whole number of seconds >= 0");
    Integer window =
        c.get("downscaleStabilizationWindowSeconds").integer(0, "a whole number of seconds >= 0");
    return new ControllerSettings(
        tolerance == null ? d.tolerance() : tolerance,
        cpuInit == null ? d.cpuInitializationPeriod() : Duration.ofSeconds(cpuInit),
        delay == null ? d.initialReadinessDelay() : Duration.ofSeconds(delay),
        window == null ? d.downscaleStabilizationWindow() : Duration.ofSeconds(window));
  }

  private static Autoscaler readAutoscaler(Field a) {
    a.requireObject();
    String apiVersion = a.get("apiVersion").text();
    String kind = a.get("kind").text();
    if ("HorizontalPodAutoscaler".equals(kind)
        && apiVersion != null
        && !apiVersion.equals("autoscaling/v2")) {
      throw a.get("apiVersion")
          .invalid(
              "\"" + apiVersion + "\" is not supported; write the autoscaler as autoscaling/v2");
    }
    Field spec = a.get("spec").requireObject();
    Integer min = spec.get("minReplicas").integer(0, "a whole number >= 0");
    int max = spec.get("maxReplicas").requireInteger(1, "a whole number >= 1");
    int minReplicas = min == null ? 1 : min;
    if (max < minReplicas) {
      throw spec.get("maxReplicas")
          .invalid("must be >= minReplicas (" + minReplicas + "), got " + max);
    }
    var mb = AutoscalingV2Reader.read(spec.node(), spec.path());
    List<Condition> conditions = new ArrayList<>();
    for (Field c : a.get("status").get("conditions").list()) {
      c.requireObject();
      String status = c.get("status").requireText();
      if (!status.equals("True") && !status.equals("False") && !status.equals("Unknown")) {
        throw c.get("status").invalid("must be True, False or Unknown");
      }
      conditions.add(
          new Condition(
              c.get("type").requireText(),
              status.equals("True"),
              c.get("reason").textOr(""),
              c.get("message").textOr(""),
              c.get("lastTransitionTime").time()));
    }
    return new Autoscaler(minReplicas, max, mb.metrics(), mb.behavior(), conditions);
  }

  private static ScaleTarget readScale(Field s) {
    s.requireObject();
    int spec =
        s.get("spec").requireObject().get("replicas").requireInteger(0, "a whole number >= 0");
    Integer status = s.get("status").get("replicas").integer(0, "a whole number >= 0");
    // A Scale read from Kubernetes always has a selector string; absent means empty, which the HPA
    // refuses (InvalidSelector).
    String selector = s.get("status").get("selector").textOr("");
    return new ScaleTarget(spec, status == null ? spec : status, selector);
  }

  private static PodInfo readPod(Field p) {
    Field meta = p.get("metadata").requireObject();
    String name = meta.get("name").requireText();
    boolean deleting = meta.get("deletionTimestamp").time() != null;
    Field status = p.get("status");
    String phaseText = status.get("phase").text();
    PodInfo.Phase phase = PodInfo.Phase.UNKNOWN;
    if (phaseText != null) {
      phase =
          switch (phaseText) {
            case "Pending" -> PodInfo.Phase.PENDING;
            case "Running" -> PodInfo.Phase.RUNNING;
            case "Succeeded" -> PodInfo.Phase.SUCCEEDED;
            case "Failed" -> PodInfo.Phase.FAILED;
            case "Unknown" -> PodInfo.Phase.UNKNOWN;
            default ->
                throw status
                    .get("phase")
                    .invalid(
                        "unknown phase \""
                            + phaseText
                            + "\" (expected Pending, Running, Succeeded, Failed or Unknown)");
          };
    }
    Instant start = status.get("startTime").time();
    PodInfo.ReadyCondition ready = null;
    for (Field c : status.get("conditions").list()) {
      c.requireObject();
      if ("Ready".equals(c.get("type").text())) {
        String st = c.get("status").requireText();
        PodInfo.ReadyCondition.Status s =
            switch (st) {
              case "True" -> PodInfo.ReadyCondition.Status.TRUE;
              case "False" -> PodInfo.ReadyCondition.Status.FALSE;
              case "Unknown" -> PodInfo.ReadyCondition.Status.UNKNOWN;
              default -> throw c.get("status").invalid("must be True, False or Unknown");
            };
        Instant t = c.get("lastTransitionTime").time();
        ready = new PodInfo.ReadyCondition(s, t == null ? Times.GO_ZERO_TIME : t);
      }
    }
    List<PodInfo.ContainerRequests> containers = new ArrayList<>();
    Field spec = p.get("spec");
    for (Field c : spec.get("containers").list()) {
      containers.add(readContainer(c.requireObject()));
    }
    for (Field c : spec.get("initContainers").list()) {
      // Restartable init containers (sidecars) count toward the pod's requests.
      if ("Always".equals(c.requireObject().get("restartPolicy").text())) {
        containers.add(readContainer(c));
      }
    }
    Map<String, Long> podRequests = new LinkedHashMap<>();
    for (Map.Entry<String, Field> e : spec.get("resources").get("requests").entries().entrySet()) {
      podRequests.put(e.getKey(), e.getValue().requireQuantityMilli());
    }
    return new PodInfo(name, phase, deleting, start, ready, containers, podRequests);
  }

  private static PodInfo.ContainerRequests readContainer(Field c) {
    String name = c.get("name").requireText();
    Map<String, Long> requests = new LinkedHashMap<>();
    for (Map.Entry<String, Field> e : c.get("resources").get("requests").entries().entrySet()) {
      requests.put(e.getKey(), e.getValue().requireQuantityMilli());
    }
    return new PodInfo.ContainerRequests(name, requests);
  }

  private static PodUsage readPodMetrics(Field m) {
    String pod = m.get("metadata").requireObject().get("name").requireText();
    Instant ts = m.get("timestamp").requireTime();
    Field w = m.get("window");
    Duration window =
        w.isMissing() ? Duration.ofSeconds(30) : Times.parseGoDuration(w.requireText(), w.path());
    List<PodUsage.ContainerUsage> containers = new ArrayList<>();
    for (Field c : m.get("containers").list()) {
      c.requireObject();
      Map<String, Long> usage = new LinkedHashMap<>();
      for (Map.Entry<String, Field> e : c.get("usage").entries().entrySet()) {
        usage.put(e.getKey(), e.getValue().requireQuantityMilli());
      }
      containers.add(new PodUsage.ContainerUsage(c.get("name").requireText(), usage));
    }
    return new PodUsage(pod, ts, window, containers);
  }

  private static CustomMetricValue readCustom(Field m) {
    Field ref = m.get("describedObject").requireObject();
    ObjectReference described =
        new ObjectReference(
            ref.get("apiVersion").textOr(""),
            ref.get("kind").requireText(),
            ref.get("name").requireText());
    // custom.metrics.k8s.io v1beta2 nests the name under metric; v1beta1 has metricName.
    String name =
        m.get("metric").isMissing()
            ? m.get("metricName").requireText()
            : m.get("metric").get("name").requireText();
    Integer windowSeconds = m.get("windowSeconds").integer(0, "a whole number of seconds >= 0");
    return new CustomMetricValue(
        described,
        name,
        m.get("timestamp").requireTime(),
        windowSeconds == null ? null : Duration.ofSeconds(windowSeconds),
        m.get("value").requireQuantityMilli());
  }

  private static ExternalMetricValue readExternal(Field m) {
    return new ExternalMetricValue(
        m.get("metricName").requireText(),
        m.get("metricLabels").stringMap(),
        m.get("timestamp").requireTime(),
        m.get("value").requireQuantityMilli());
  }

  private static History readHistory(Field h) {
    if (h.isMissing()) {
      return null;
    }
    h.requireObject();
    List<Recommendation> recs = null;
    if (!h.get("recommendations").isMissing()) {
      recs = new ArrayList<>();
      for (Field r : h.get("recommendations").list()) {
        r.requireObject();
        recs.add(
            new Recommendation(
                r.get("timestamp").requireTime(),
                r.get("replicas").requireInteger(0, "a whole number >= 0")));
      }
    }
    return new History(
        recs, readEvents(h.get("scaleUpEvents")), readEvents(h.get("scaleDownEvents")));
  }

  private static List<ScaleEvent> readEvents(Field events) {
    List<ScaleEvent> out = new ArrayList<>();
    for (Field e : events.list()) {
      e.requireObject();
      out.add(
          new ScaleEvent(
              e.get("timestamp").requireTime(),
              e.get("replicaChange").requireInteger(0, "a whole number >= 0")));
    }
    return out;
  }
}
