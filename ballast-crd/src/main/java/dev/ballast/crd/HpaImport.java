package dev.ballast.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.InputDocuments;
import dev.ballast.api.InputDocuments.Syntax;
import dev.ballast.api.InvalidDocumentException;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
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
   * Reads an HPA manifest file (YAML, or JSON when named {@code .json}) through the shared strict
   * reader ({@link InputDocuments}: at most {@link InputDocuments#MAX_CONFIG_BYTES}, UTF-8, one
   * document, no repeated key) and imports it as {@link #from} does.
   *
   * @throws InvalidDocumentException when the file cannot be read or parsed
   * @throws InvalidSpecException naming each field of the HPA that cannot be carried over
   */
  public static StatefulAutoscaler read(Path file) {
    String source = file.toString();
    return fromText(
        InputDocuments.readText(file, InputDocuments.MAX_CONFIG_BYTES, source),
        Syntax.of(file),
        source);
  }

  /**
   * Parses {@code text} as one HPA manifest in {@code syntax} and imports it as {@link #from} does;
   * {@code source} names the input in messages.
   *
   * @throws InvalidDocumentException when the text is not one document of the given syntax, or not
   *     a mapping
   * @throws InvalidSpecException naming each field of the HPA that cannot be carried over
   */
  public static StatefulAutoscaler fromText(String text, Syntax syntax, String source) {
    JsonNode hpa = InputDocuments.parse(text, syntax, source);
    if (hpa == null || !hpa.isObject()) {
      throw new InvalidDocumentException(
          source, "not an HPA manifest; expected a mapping with kind HorizontalPodAutoscaler");
    }
    return from(hpa);
  }

  /**
   * The StatefulAutoscaler for {@code hpa}, checked by the same mapping the operator uses.
   *
   * @throws InvalidSpecException naming each field of the HPA that cannot be carried over
   */
  public static StatefulAutoscaler from(JsonNode hpa) {
    List<String> problems = new ArrayList<>();
    String apiVersion = hpa.path("apiVersion").asText();
    if (!hpa.path("kind").asText().equals("HorizontalPodAutoscaler")) {
      problems.add("kind: must be HorizontalPodAutoscaler, was " + shown(hpa.path("kind")));
    }
    if (!apiVersion.equals("autoscaling/v2")) {
      problems.add(
          "apiVersion: must be autoscaling/v2, was "
              + shown(hpa.path("apiVersion"))
              + "; convert it with kubectl convert or write the v2 form");
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
        convert(
            spec.path("scaleTargetRef"),
            CrossVersionObjectReference.class,
            "spec.scaleTargetRef",
            problems);
    out.minReplicas = replicas(spec, "minReplicas", problems);
    out.maxReplicas = replicas(spec, "maxReplicas", problems);
    if (spec.path("metrics").isArray()) {
      out.metrics = new ArrayList<>();
      for (int i = 0; i < spec.path("metrics").size(); i++) {
        out.metrics.add(
            convert(
                spec.path("metrics").path(i),
                StatefulAutoscalerSpec.Metric.class,
                "spec.metrics[" + i + "]",
                problems));
      }
    }
    if (spec.path("behavior").isObject()) {
      out.behavior =
          convert(
              spec.path("behavior"),
              HorizontalPodAutoscalerBehavior.class,
              "spec.behavior",
              problems);
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
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

  /** {@code spec.field} as a replica count, null when absent; anything but an int is a problem. */
  private static Integer replicas(JsonNode spec, String field, List<String> problems) {
    JsonNode value = spec.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    if (!value.isInt()) {
      problems.add("spec." + field + ": must be a whole number, was " + shown(value));
      return null;
    }
    return value.asInt();
  }

  /** {@code node} as a {@code type}, or null with a problem naming {@code field}. */
  private static <T> T convert(JsonNode node, Class<T> type, String field, List<String> problems) {
    try {
      return JSON.convertValue(node, type);
    } catch (IllegalArgumentException e) {
      problems.add(
          field
              + ": not a valid "
              + type.getSimpleName()
              + "; check it against the autoscaling/v2 HorizontalPodAutoscaler reference");
      return null;
    }
  }

  /** A value as it appears in a message: JSON (escaped, so one line), at most 40 characters. */
  private static String shown(JsonNode value) {
    if (value.isMissingNode()) {
      return "missing";
    }
    String text = value.toString();
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }
}
