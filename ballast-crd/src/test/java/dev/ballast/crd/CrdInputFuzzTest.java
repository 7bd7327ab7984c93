package dev.ballast.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.InputDocuments;
import dev.ballast.api.InputDocuments.Syntax;
import dev.ballast.api.InvalidDocumentException;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of the operator's user input: Jazzer fuzzes one test per JVM, so
 * the first byte chooses the path and the rest is the document, read as YAML and as JSON. Path A: a
 * StatefulAutoscaler deserialized into its classes with the Kubernetes client's mapper (as the
 * operator receives it) and mapped by {@link AutoscalerSettings}, which must give settings or an
 * {@link InvalidSpecException}. Path B: an HPA manifest through {@link HpaImport#fromText} (what
 * {@code ballast import-hpa FILE} reads through {@link InputDocuments}), which must give a
 * StatefulAutoscaler, an {@link InvalidDocumentException} or an {@link InvalidSpecException}. Every
 * refusal is one line, and every input is answered quickly. The corpus lies in {@code
 * src/test/resources/dev/ballast/crd/CrdInputFuzzTestInputs}.
 */
class CrdInputFuzzTest {
  /**
   * An input that takes longer than this is a hang, not slowness: the first input also pays for
   * class loading and instrumentation, which takes seconds on a loaded machine.
   */
  private static final long HANG_MILLIS = 60_000;

  private static final ObjectMapper KUBERNETES = Serialization.jsonMapper();

  @FuzzTest(maxDuration = "10s")
  void mapsAStatefulAutoscalerOrAnHpaOrRefusesItInOneLine(byte[] data) {
    if (data.length == 0) {
      return;
    }
    boolean hpa = (data[0] & 1) == 1;
    String text;
    try {
      text = InputDocuments.decode(Arrays.copyOfRange(data, 1, data.length), "input");
    } catch (InvalidDocumentException e) {
      assertOneLine(e.getMessage());
      return;
    }
    for (Syntax syntax : Syntax.values()) {
      long start = System.nanoTime();
      try {
        if (hpa) {
          assertThat(HpaImport.fromText(text, syntax, "hpa.yaml").getSpec()).isNotNull();
        } else {
          mapStatefulAutoscaler(text, syntax);
        }
      } catch (InvalidDocumentException | InvalidSpecException e) {
        assertOneLine(e.getMessage());
      }
      assertQuick(start);
    }
  }

  private static void mapStatefulAutoscaler(String text, Syntax syntax) {
    JsonNode doc = InputDocuments.parse(text, syntax, "sas.yaml");
    StatefulAutoscaler sas;
    try {
      sas = KUBERNETES.treeToValue(doc, StatefulAutoscaler.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      // The client's own refusal of a document its classes cannot hold; the API server's schema
      // keeps such a resource out of the cluster in the first place.
      return;
    }
    if (sas != null) {
      assertThat(AutoscalerSettings.from(sas.getSpec(), 1000)).isNotNull();
    }
  }

  private static void assertOneLine(String message) {
    assertThat(message).isNotBlank().doesNotContain("\n").doesNotContain("\r");
    assertThat(message.length()).isLessThan(2_000);
  }

  private static void assertQuick(long startNanos) {
    assertThat((System.nanoTime() - startNanos) / 1_000_000)
        .as("milliseconds to read one input")
        .isLessThan(HANG_MILLIS);
  }
}
