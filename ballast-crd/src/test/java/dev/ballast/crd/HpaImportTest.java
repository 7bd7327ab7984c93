package dev.ballast.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import org.junit.jupiter.api.Test;

class HpaImportTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static JsonNode yaml(String text) throws Exception {
    return YAML.readTree(text);
  }

  @Test
  void carriesTheTargetBoundsMetricsAndBehaviorOver() throws Exception {
    // given
    JsonNode hpa =
        yaml(
            """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web, namespace: shop}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: web}
              minReplicas: 3
              maxReplicas: 9
              metrics:
              - type: Resource
                resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
              - type: External
                external:
                  metric: {name: queue_depth}
                  target: {type: AverageValue, averageValue: "30"}
              behavior:
                scaleDown: {stabilizationWindowSeconds: 600}
            """);

    // when
    StatefulAutoscaler sas = HpaImport.from(hpa);

    // then
    assertThat(sas.getMetadata().getName()).isEqualTo("web");
    assertThat(sas.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(sas.getSpec().targetRef.getName()).isEqualTo("web");
    assertThat(sas.getSpec().minReplicas).isEqualTo(3);
    assertThat(sas.getSpec().maxReplicas).isEqualTo(9);
    AutoscalerSettings s = AutoscalerSettings.from(sas.getSpec(), 1000);
    assertThat(s.autoscale().autoscaler().metrics()).hasSize(2);
    assertThat(s.autoscale().autoscaler().behavior().scaleDown().stabilizationWindowSeconds())
        .isEqualTo(600);
    assertThat(YAML.valueToTree(sas.getSpec()).path("metrics"))
        .isEqualTo(hpa.path("spec").path("metrics"));
  }

  @Test
  void refusesAnotherKindOrVersionNamingTheField() throws Exception {
    // given
    JsonNode v1 =
        yaml(
            """
            apiVersion: autoscaling/v1
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: web}
              maxReplicas: 9
            """);

    // when / then
    assertThatThrownBy(() -> HpaImport.from(v1))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageStartingWith("apiVersion: must be autoscaling/v2");
  }

  @Test
  void refusesAMetricTheOperatorWouldRefuse() throws Exception {
    // given: a Pods metric without its target
    JsonNode hpa =
        yaml(
            """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: web}
              maxReplicas: 9
              metrics:
              - type: Pods
                pods: {metric: {name: rps}}
            """);

    // when / then
    assertThatThrownBy(() -> HpaImport.from(hpa))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("spec.metrics[0].pods.target");
  }
}
