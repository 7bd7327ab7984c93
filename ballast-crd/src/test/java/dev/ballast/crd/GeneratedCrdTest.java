package dev.ballast.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CRD the crd-generator made from the Java classes at this build, against the copy users apply
 * from {@code deploy/crd/}: a change to the classes without a new copy fails here.
 */
class GeneratedCrdTest {
  static final String GENERATED = "META-INF/fabric8/statefulautoscalers.ballast.dev-v1.yml";
  static final Path COPY = Path.of("..", "deploy", "crd", "statefulautoscalers.ballast.dev-v1.yml");

  static String generated() throws IOException {
    try (InputStream in = GeneratedCrdTest.class.getClassLoader().getResourceAsStream(GENERATED)) {
      assertThat(in).as("the crd-generator output %s on the classpath", GENERATED).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void deployCopyEqualsTheGeneratedCrd() throws IOException {
    // given: the CRD generated from the classes
    String generated = generated();

    // when: the copy in deploy/ is read
    String copy = Files.exists(COPY) ? Files.readString(COPY) : "";

    // then
    assertThat(copy)
        .as(
            "deploy/crd is stale: run scripts/update-deploy (copies ballast-crd/target/classes/%s)",
            GENERATED)
        .isEqualTo(generated);
  }

  @Test
  void crdHasTheScaleSubresourceShortNameAndCelRules() throws IOException {
    // given
    JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(generated());

    // when
    JsonNode version = crd.at("/spec/versions/0");
    JsonNode spec = version.at("/schema/openAPIV3Schema/properties/spec");

    // then
    assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("sas");
    assertThat(version.at("/subresources/scale/specReplicasPath").asText())
        .isEqualTo(".spec.replicas");
    assertThat(version.at("/subresources/scale/statusReplicasPath").asText())
        .isEqualTo(".status.replicas");
    assertThat(version.at("/subresources/scale/labelSelectorPath").asText())
        .isEqualTo(".status.selector");
    assertThat(spec.at("/x-kubernetes-validations").findValuesAsText("rule"))
        .anyMatch(r -> r.contains("self.minReplicas <= self.maxReplicas"))
        .anyMatch(r -> r.contains("allowedReplicas.all("))
        .anyMatch(r -> r.contains("m.resource.name == 'cpu'"))
        .anyMatch(r -> r.contains("size(self.metrics) > 0"));
    assertThat(spec.at("/required").findValuesAsText("")).isEmpty();
    assertThat(spec.at("/required").toString()).contains("targetRef", "maxReplicas");
  }

  @Test
  void printerColumnsReadLikeTheHpas() throws IOException {
    // given: the CRD generated from the classes (the generator sorts columns by JSON path)
    JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(generated());

    // when
    JsonNode columns = crd.at("/spec/versions/0/additionalPrinterColumns");

    // then: the order of `kubectl get hpa` (REFERENCE TARGETS MINPODS MAXPODS REPLICAS), then phase
    assertThat(columns.findValuesAsText("name"))
        .containsExactly("Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Phase", "Age");
  }
}
