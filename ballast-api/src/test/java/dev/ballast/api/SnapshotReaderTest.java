package dev.ballast.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.PodInfo;
import dev.ballast.core.decide.model.ScalingPolicy;
import dev.ballast.core.decide.model.ScalingRules;
import dev.ballast.core.decide.model.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SnapshotReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String VALID =
      """
      {
        "now": "2026-01-01T12:00:00Z",
        "controller": { "tolerance": 0.1, "cpuInitializationPeriodSeconds": 300 },
        "autoscaler": {
          "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
          "metadata": { "name": "web" },
          "spec": {
            "minReplicas": 2, "maxReplicas": 10,
            "metrics": [
              { "type": "Resource",
                "resource": { "name": "cpu", "target": { "type": "Utilization", "averageUtilization": 50 } } },
              { "type": "External",
                "external": { "metric": { "name": "queue_messages", "selector": { "matchLabels": { "queue": "jobs" } } },
                              "target": { "type": "AverageValue", "averageValue": "30" } } }
            ],
            "behavior": { "scaleDown": { "policies": [ { "type": "Pods", "value": 1, "periodSeconds": 60 } ] } }
          },
          "status": { "conditions": [
            { "type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "lastTransitionTime": "2026-01-01T11:00:00Z" } ] }
        },
        "scale": { "spec": { "replicas": 3 }, "status": { "replicas": 3, "selector": "app=web" } },
        "pods": [
          { "metadata": { "name": "web-0" },
            "spec": { "containers": [ { "name": "app", "resources": { "requests": { "cpu": "500m", "memory": "128Mi" } } } ],
                      "initContainers": [ { "name": "proxy", "restartPolicy": "Always", "resources": { "requests": { "cpu": "100m" } } } ] },
            "status": { "phase": "Running", "startTime": "2026-01-01T11:00:00Z",
                        "conditions": [ { "type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T11:00:30Z" } ] } },
          { "metadata": { "name": "web-1", "deletionTimestamp": "2026-01-01T11:59:00Z" },
            "spec": { "containers": [ { "name": "app", "resources": { "requests": { "cpu": "500m" } } } ],
                      "resources": { "requests": { "cpu": "1" } } },
            "status": { "phase": "Pending" } }
        ],
        "podMetrics": [
          { "metadata": { "name": "web-0" }, "timestamp": "2026-01-01T11:59:45Z", "window": "30s",
            "containers": [ { "name": "app", "usage": { "cpu": "400m", "memory": "100Mi" } } ] }
        ],
        "customMetrics": [
          { "describedObject": { "kind": "Pod", "name": "web-0", "apiVersion": "/v1" },
            "metric": { "name": "qps" }, "timestamp": "2026-01-01T11:59:50Z", "windowSeconds": 60, "value": "12" }
        ],
        "externalMetrics": [
          { "metricName": "queue_messages", "metricLabels": { "queue": "jobs" }, "timestamp": "2026-01-01T11:59:50Z", "value": "120" }
        ],
        "history": {
          "recommendations": [ { "timestamp": "2026-01-01T11:58:00Z", "replicas": 4 } ],
          "scaleUpEvents": [ { "timestamp": "2026-01-01T11:59:30Z", "replicaChange": 2 } ],
          "scaleDownEvents": []
        }
      }
      """;

  private final SnapshotReader reader = new SnapshotReader();

  @Test
  void readsEveryPartOfAValidSnapshot() {
    // when
    Snapshot s = reader.read(VALID, true);

    // then
    assertEquals(Instant.parse("2026-01-01T12:00:00Z"), s.now());
    assertEquals(2, s.autoscaler().minReplicas());
    assertEquals(10, s.autoscaler().maxReplicas());
    assertEquals(MetricSpec.cpuUtilization(50), s.autoscaler().metrics().get(0));
    MetricSpec.External ext = (MetricSpec.External) s.autoscaler().metrics().get(1);
    assertEquals(MetricTarget.averageValue(30), ext.target());
    assertTrue(ext.selector().matches(java.util.Map.of("queue", "jobs")));
    Behavior b = s.autoscaler().behavior();
    assertEquals(java.util.List.of(ScalingPolicy.pods(1, 60)), b.scaleDown().policies());
    assertNull(b.scaleDown().stabilizationWindowSeconds(), "the controller's window applies");
    assertEquals(Behavior.DEFAULT_SCALE_UP, b.scaleUp());
    assertEquals(3, s.scale().specReplicas());
    PodInfo web0 = s.pods().get(0);
    assertEquals(PodInfo.Phase.RUNNING, web0.phase());
    assertEquals(2, web0.containers().size(), "the sidecar init container counts");
    assertEquals(500L, web0.containers().get(0).requestsMilli().get("cpu"));
    assertEquals(PodInfo.ReadyCondition.Status.TRUE, web0.ready().status());
    assertTrue(s.pods().get(1).deleting());
    assertEquals(1000L, s.pods().get(1).podRequestsMilli().get("cpu"));
    assertEquals(PodInfo.Phase.PENDING, s.pods().get(1).phase());
    assertEquals(Duration.ofSeconds(30), s.podMetrics().get(0).window());
    assertEquals(12_000L, s.customMetrics().get(0).valueMilli());
    assertEquals(Duration.ofSeconds(60), s.customMetrics().get(0).window());
    assertEquals(120_000L, s.externalMetrics().get(0).valueMilli());
    assertEquals(4, s.history().recommendations().get(0).replicas());
    assertEquals(2, s.history().scaleUpEvents().get(0).replicaChange());
    assertEquals(1, s.autoscaler().conditions().size());
  }

  @Test
  void treatsAbsentHistoryAsAFirstReconcileAndAnEmptyListAsNoMemory() throws Exception {
    // given
    ObjectNode absent = (ObjectNode) JSON.readTree(VALID);
    absent.remove("history");
    ObjectNode empty = (ObjectNode) JSON.readTree(VALID);
    ((ObjectNode) empty.get("history")).putArray("recommendations");

    // when / then
    assertTrue(reader.read(absent).history().isFirstReconcile());
    assertEquals(java.util.List.of(), reader.read(empty).history().recommendations());
  }

  @Test
  void readsTheScalesSelectorAsTheHpaDoesWithAbsentMeaningEmpty() throws Exception {
    // given
    ObjectNode absent = (ObjectNode) JSON.readTree(VALID);
    ((ObjectNode) absent.get("scale").get("status")).remove("selector");

    // when / then
    assertEquals("app=web", reader.read(JSON.readTree(VALID)).scale().selector());
    assertEquals("", reader.read(absent).scale().selector());
  }

  @Test
  void readsYaml() {
    // given
    String yaml =
        """
        now: 2026-01-01T12:00:00Z
        autoscaler:
          spec:
            maxReplicas: 5
            metrics:
            - type: Pods
              pods:
                metric: {name: qps}
                target: {type: AverageValue, averageValue: 100m}
        scale: {spec: {replicas: 2}}
        """;

    // when
    Snapshot s = reader.read(yaml, false);

    // then
    assertEquals(
        MetricSpec.pods("qps", MetricTarget.averageValueMilli(100)),
        s.autoscaler().metrics().get(0));
    assertEquals(1, s.autoscaler().minReplicas(), "minReplicas defaults to 1");
    assertNull(s.autoscaler().behavior(), "no behavior: the legacy rules");
  }

  @Test
  void readsBehaviorOnItsOwnForOtherDocuments() throws Exception {
    // given
    var spec =
        JSON.readTree(
            """
            { "metrics": [ { "type": "Resource", "resource": { "name": "memory",
                "target": { "type": "AverageValue", "averageValue": "1Gi" } } } ],
              "behavior": { "scaleUp": { "selectPolicy": "Disabled", "tolerance": "50m" } } }
            """);

    // when
    AutoscalingV2Reader.MetricsAndBehavior mb =
        AutoscalingV2Reader.read(spec, "cluster.autoscaling");

    // then
    assertEquals(1, mb.metrics().size());
    assertEquals(ScalingRules.SelectPolicy.DISABLED, mb.behavior().scaleUp().selectPolicy());
    assertEquals(0.05, mb.behavior().scaleUp().tolerance(), 1e-12);
  }

  /** One bad document: how it is broken and the exact line the user gets. */
  record BadCase(String name, Consumer<ObjectNode> breakIt, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static ObjectNode at(ObjectNode root, String... path) {
    com.fasterxml.jackson.databind.JsonNode n = root;
    for (String p : path) {
      n = p.matches("\\d+") ? n.get(Integer.parseInt(p)) : n.get(p);
    }
    return (ObjectNode) n;
  }

  static Stream<BadCase> badInput() {
    return Stream.of(
        new BadCase(
            "missing scale", r -> r.remove("scale"), "snapshot.scale: required (an object)"),
        new BadCase(
            "missing autoscaler",
            r -> r.remove("autoscaler"),
            "snapshot.autoscaler: required (an object)"),
        new BadCase(
            "negative replica count",
            r -> at(r, "scale", "spec").put("replicas", -1),
            "snapshot.scale.spec.replicas: must be a whole number >= 0"),
        new BadCase(
            "selector that is not a string",
            r -> at(r, "scale", "status").put("selector", 5),
            "snapshot.scale.status.selector: must be a string"),
        new BadCase(
            "non-integer replica count",
            r -> at(r, "scale", "spec").put("replicas", 2.5),
            "snapshot.scale.spec.replicas: must be a whole number >= 0"),
        new BadCase(
            "unknown metric type",
            r -> at(r, "autoscaler", "spec", "metrics", "1").put("type", "Prometheus"),
            "snapshot.autoscaler.spec.metrics[1].type: unknown metric type \"Prometheus\" (expected"
                + " Resource, ContainerResource, Pods, Object or External)"),
        new BadCase(
            "utilization that is not a positive integer",
            r ->
                at(r, "autoscaler", "spec", "metrics", "0", "resource", "target")
                    .put("averageUtilization", -5),
            "snapshot.autoscaler.spec.metrics[0].resource.target: averageUtilization must be a"
                + " positive integer"),
        new BadCase(
            "unparseable quantity",
            r ->
                at(r, "autoscaler", "spec", "metrics", "1", "external", "target")
                    .put("averageValue", "lots"),
            "snapshot.autoscaler.spec.metrics[1].external.target.averageValue: \"lots\" is not a"
                + " Kubernetes quantity (expected e.g. \"500m\", \"2\", \"128Mi\")"),
        new BadCase(
            "unparseable timestamp",
            r -> r.put("now", "yesterday"),
            "snapshot.now: \"yesterday\" is not an RFC 3339 time (expected e.g."
                + " \"2026-01-01T12:00:00Z\")"),
        new BadCase(
            "unparseable pod request",
            r ->
                at(r, "pods", "0", "spec", "containers", "0", "resources", "requests")
                    .put("cpu", "half"),
            "snapshot.pods[0].spec.containers[0].resources.requests.cpu: \"half\" is not a"
                + " Kubernetes quantity (expected e.g. \"500m\", \"2\", \"128Mi\")"),
        new BadCase(
            "max below min",
            r -> at(r, "autoscaler", "spec").put("maxReplicas", 1),
            "snapshot.autoscaler.spec.maxReplicas: must be >= minReplicas (2), got 1"),
        new BadCase(
            "policy with a zero period",
            r ->
                at(r, "autoscaler", "spec", "behavior", "scaleDown", "policies", "0")
                    .put("periodSeconds", 0),
            "snapshot.autoscaler.spec.behavior.scaleDown.policies[0].periodSeconds: must be a whole"
                + " number of seconds in 1..1800"),
        new BadCase(
            "pods that is not a list",
            r -> r.put("pods", "web-0"),
            "snapshot.pods: must be a list"),
        new BadCase(
            "autoscaling/v1 autoscaler",
            r -> at(r, "autoscaler").put("apiVersion", "autoscaling/v1"),
            "snapshot.autoscaler.apiVersion: \"autoscaling/v1\" is not supported; write the"
                + " autoscaler as autoscaling/v2"),
        new BadCase(
            "a Pods metric with a Utilization target",
            r -> {
              ArrayNode metrics = (ArrayNode) at(r, "autoscaler", "spec").get("metrics");
              metrics
                  .addObject()
                  .put("type", "Pods")
                  .set(
                      "pods",
                      JSON.createObjectNode()
                          .<ObjectNode>set("metric", JSON.createObjectNode().put("name", "qps"))
                          .set(
                              "target",
                              JSON.createObjectNode()
                                  .put("type", "Utilization")
                                  .put("averageUtilization", 50)));
            },
            "snapshot.autoscaler.spec.metrics[2].pods.target.type: Utilization applies to Resource"
                + " metrics only"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void rejectsBadInputWithOneLineNamingTheField(BadCase c) throws Exception {
    // given
    ObjectNode root = (ObjectNode) JSON.readTree(VALID);
    c.breakIt().accept(root);

    // when
    InvalidDocumentException e =
        assertThrows(InvalidDocumentException.class, () -> reader.read(root));

    // then
    assertEquals(c.expected(), e.getMessage());
  }

  @Test
  void rejectsTextThatIsNotJson() {
    InvalidDocumentException e =
        assertThrows(InvalidDocumentException.class, () -> reader.read("{ not json", true));
    assertEquals("snapshot", e.path());
    assertTrue(e.getMessage().startsWith("snapshot: not valid JSON at line 1"), e.getMessage());
  }

  @Test
  void reportsBrokenYamlOnOneLine() {
    InvalidDocumentException e =
        assertThrows(InvalidDocumentException.class, () -> reader.read("now: [\n", false));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().startsWith("snapshot: not valid YAML at line 1"), e.getMessage());
  }
}
