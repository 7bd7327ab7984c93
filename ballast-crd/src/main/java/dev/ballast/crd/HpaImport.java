package dev.ballast.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an {@code autoscaling/v2} HorizontalPodAutoscaler manifest into the StatefulAutoscaler that
 * scales the same target on the same metrics and behavior, with the same bounds. Everything
 * stateful (allowed sizes, membership, shrink policy) is left to its defaults for the user to set.
 */
public final class HpaImport {
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private HpaImport() {}

  /**
   * The StatefulAutoscaler for {@code hpa}, checked by the same mapping the operator uses.
   *
   * @throws InvalidSpecException naming each field of the HPA that cannot be carried over
   */
  public static StatefulAutoscaler from(JsonNode hpa) {
    List<String> problems = new ArrayList<>();
    String apiVersion = hpa.path("apiVersion").asText();
    if (!hpa.path("kind").asText().equals("HorizontalPodAutoscaler")) {
      problems.add(
          "kind: must be HorizontalPodAutoscaler, was '" + hpa.path("kind").asText() + "'");
    }
    if (!apiVersion.equals("autoscaling/v2")) {
      problems.add(
          "apiVersion: must be autoscaling/v2, was '"
              + apiVersion
              + "'; convert it with kubectl convert or write the v2 form");
    }
    JsonNode spec = hpa.path("spec");
    if (!spec.path("scaleTargetRef").isObject()) {
      problems.add("spec.scaleTargetRef: required");
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    StatefulAutoscalerSpec out = new StatefulAutoscalerSpec();
    out.targetRef =
        JSON.convertValue(spec.path("scaleTargetRef"), CrossVersionObjectReference.class);
    if (spec.has("minReplicas")) {
      out.minReplicas = spec.path("minReplicas").asInt();
    }
    if (spec.has("maxReplicas")) {
      out.maxReplicas = spec.path("maxReplicas").asInt();
    }
    if (spec.path("metrics").isArray()) {
      out.metrics = new ArrayList<>();
      for (JsonNode m : spec.path("metrics")) {
        out.metrics.add(JSON.convertValue(m, StatefulAutoscalerSpec.Metric.class));
      }
    }
    if (spec.path("behavior").isObject()) {
      out.behavior =
          JSON.convertValue(spec.path("behavior"), HorizontalPodAutoscalerBehavior.class);
    }
    // Validate with the operator's own mapping: what imports is what the operator accepts.
    AutoscalerSettings.from(out, 1000);
    StatefulAutoscaler sas = new StatefulAutoscaler();
    JsonNode meta = hpa.path("metadata");
    var metadata = new ObjectMetaBuilder().withName(meta.path("name").asText(null));
    if (meta.hasNonNull("namespace")) {
      metadata.withNamespace(meta.path("namespace").asText());
    }
    sas.setMetadata(metadata.build());
    sas.setSpec(out);
    sas.setStatus(null);
    return sas;
  }
}
