package dev.ballast.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrinterColumnOrderTest {
  private static final String SORTED =
      """
      spec:
        versions:
        - additionalPrinterColumns:
          - jsonPath: ".metadata.creationTimestamp"
            name: "Age"
            type: "date"
          - jsonPath: ".status.reference"
            name: "Reference"
            type: "string"
          name: "v1alpha1"
      """;

  @Test
  void putsTheColumnsInTheDeclaredOrderAndLeavesTheRestAlone() throws IOException {
    // given: columns sorted by JSON path, as the generator writes them

    // when
    String out = PrinterColumnOrder.reorder(SORTED, List.of(".status.reference"));

    // then: the declared one first, the undeclared one after it, every other line unchanged
    assertThat(out)
        .isEqualTo(
            """
            spec:
              versions:
              - additionalPrinterColumns:
                - jsonPath: ".status.reference"
                  name: "Reference"
                  type: "string"
                - jsonPath: ".metadata.creationTimestamp"
                  name: "Age"
                  type: "date"
                name: "v1alpha1"
            """);
  }

  @Test
  void refusesADeclaredColumnTheGeneratorDidNotWrite() {
    // given / when / then
    assertThatThrownBy(() -> PrinterColumnOrder.reorder(SORTED, List.of(".status.phase")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(".status.phase");
  }
}
