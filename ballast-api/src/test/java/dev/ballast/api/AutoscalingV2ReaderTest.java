package dev.ballast.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.LabelSelector;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.decide.model.MetricTarget;
import dev.ballast.core.decide.model.ObjectReference;
import dev.ballast.core.decide.model.ScalingPolicy;
import dev.ballast.core.decide.model.ScalingRules;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AutoscalingV2ReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static AutoscalingV2Reader.MetricsAndBehavior read(String json) throws Exception {
    return AutoscalingV2Reader.read(JSON.readTree(json), "policy");
  }

  @Test
  void readsEveryMetricType() throws Exception {
    // given
    String json =
        """
        { "metrics": [
          { "type": "ContainerResource", "containerResource": { "name": "cpu", "container": "app",
              "target": { "type": "Utilization", "averageUtilization": 70 } } },
          { "type": "Pods", "pods": { "metric": { "name": "qps" },
              "target": { "type": "AverageValue", "averageValue": "1k" } } },
          { "type": "Object", "object": {
              "describedObject": { "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "main" },
              "metric": { "name": "requests_per_second" },
              "target": { "type": "Value", "value": "10k" } } },
          { "type": "External", "external": {
              "metric": { "name": "queue", "selector": { "matchExpressions": [
                  { "key": "topic", "operator": "In", "values": ["a", "b"] } ] } },
              "target": { "type": "Value", "value": "100" } } } ] }
        """;

    // when
    List<MetricSpec> metrics = read(json).metrics();

    // then
    assertEquals(
        new MetricSpec.ContainerResource("cpu", "app", MetricTarget.utilization(70)),
        metrics.get(0));
    assertEquals(MetricSpec.pods("qps", MetricTarget.averageValue(1000)), metrics.get(1));
    assertEquals(
        MetricSpec.object(
            new ObjectReference("networking.k8s.io/v1", "Ingress", "main"),
            "requests_per_second",
            MetricTarget.value(10_000)),
        metrics.get(2));
    LabelSelector selector = ((MetricSpec.External) metrics.get(3)).selector();
    assertEquals(true, selector.matches(Map.of("topic", "b")));
    assertEquals(false, selector.matches(Map.of("topic", "c")));
  }

  @Test
  void appliesKubernetesDefaultsFieldByFieldToAPartialBehavior() throws Exception {
    // when
    Behavior b =
        read("""
                { "behavior": { "scaleUp": { "stabilizationWindowSeconds": 60 },
                                "scaleDown": { "selectPolicy": "Min" } } }
                """)
            .behavior();

    // then
    assertEquals(60, b.scaleUp().stabilizationWindowSeconds());
    assertEquals(ScalingRules.SelectPolicy.MAX, b.scaleUp().selectPolicy());
    assertEquals(
        List.of(ScalingPolicy.pods(4, 15), ScalingPolicy.percent(100, 15)), b.scaleUp().policies());
    assertEquals(ScalingRules.SelectPolicy.MIN, b.scaleDown().selectPolicy());
    assertNull(b.scaleDown().stabilizationWindowSeconds());
    assertEquals(List.of(ScalingPolicy.percent(100, 15)), b.scaleDown().policies());
  }

  @Test
  void leavesAnAbsentBehaviorNullForTheLegacyRules() throws Exception {
    assertNull(read("{ \"metrics\": [] }").behavior());
  }

  /** A broken spec and the exact message. */
  record Bad(String name, String json, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> bad() {
    return Stream.of(
        new Bad(
            "unknown select policy",
            "{ \"behavior\": { \"scaleUp\": { \"selectPolicy\": \"Fastest\" } } }",
            "policy.behavior.scaleUp.selectPolicy: unknown selectPolicy \"Fastest\" (expected Max,"
                + " Min or Disabled)"),
        new Bad(
            "empty policy list",
            "{ \"behavior\": { \"scaleDown\": { \"policies\": [] } } }",
            "policy.behavior.scaleDown.policies: must list at least one policy"),
        new Bad(
            "window above an hour",
            "{ \"behavior\": { \"scaleDown\": { \"stabilizationWindowSeconds\": 4000 } } }",
            "policy.behavior.scaleDown.stabilizationWindowSeconds: must be at most 3600 seconds"),
        new Bad(
            "unknown policy type",
            "{ \"behavior\": { \"scaleUp\": { \"policies\": [ { \"type\": \"Nodes\", \"value\": 1,"
                + " \"periodSeconds\": 15 } ] } } }",
            "policy.behavior.scaleUp.policies[0].type: unknown policy type \"Nodes\" (expected Pods"
                + " or Percent)"),
        new Bad(
            "a Resource metric with a Value target",
            "{ \"metrics\": [ { \"type\": \"Resource\", \"resource\": { \"name\": \"cpu\","
                + " \"target\": { \"type\": \"Value\", \"value\": \"1\" } } } ] }",
            "policy.metrics[0].resource.target.type: a Resource metric takes Utilization or"
                + " AverageValue"),
        new Bad(
            "a metric without its source object",
            "{ \"metrics\": [ { \"type\": \"External\" } ] }",
            "policy.metrics[0].external: required (an object)"),
        new Bad(
            "a zero average value",
            "{ \"metrics\": [ { \"type\": \"Pods\", \"pods\": { \"metric\": { \"name\": \"q\" },"
                + " \"target\": { \"type\": \"AverageValue\", \"averageValue\": \"0\" } } } ] }",
            "policy.metrics[0].pods.target: averageValue must be positive"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bad")
  void rejectsAnInvalidSpecNamingTheField(Bad b) {
    InvalidDocumentException e = assertThrows(InvalidDocumentException.class, () -> read(b.json()));
    assertEquals(b.expected(), e.getMessage());
  }
}
