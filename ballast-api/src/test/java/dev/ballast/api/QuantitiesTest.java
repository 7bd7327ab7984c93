package dev.ballast.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {

  record Case(String name, String text, long milli) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> quantities() {
    return Stream.of(
        new Case("milli-cores", "500m", 500),
        new Case("whole cores", "2", 2000),
        new Case("decimal", "1.5", 1500),
        new Case("binary mebibytes", "128Mi", 128L * 1024 * 1024 * 1000),
        new Case("decimal kilo", "3k", 3_000_000),
        new Case("exponent", "1e3", 1_000_000),
        new Case("nano rounds up to one milli", "1n", 1),
        new Case("fraction of a milli rounds up", "0.0001", 1),
        new Case("zero", "0", 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("quantities")
  void parsesQuantitiesToMilliUnitsRoundingUp(Case c) {
    // when
    long milli = Quantities.parseMilli(c.text(), "f");

    // then
    assertEquals(c.milli(), milli);
  }

  @ParameterizedTest(name = "\"{0}\" is rejected")
  @ValueSource(strings = {"abc", "5 cores", "1.2.3", "", "10Xi", "--1"})
  void rejectsTextThatIsNotAQuantityNamingTheField(String text) {
    // when
    InvalidDocumentException e =
        assertThrows(InvalidDocumentException.class, () -> Quantities.parseMilli(text, "a.b"));

    // then
    assertEquals("a.b", e.path());
  }

  @ParameterizedTest(name = "\"{0}\" is refused quickly, naming the field")
  @ValueSource(
      strings = {
        "1Ei",
        "8E",
        "1e999999999",
        "1e-999999999",
        "1e99999999999999",
        "0.00000000000000000000000000000000000000000000000000000000000000000000001"
      })
  void refusesHugeQuantitiesNamingTheField(String text) {
    // when
    InvalidDocumentException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2),
            () ->
                assertThrows(
                    InvalidDocumentException.class, () -> Quantities.parseMilli(text, "a.b")));

    // then
    assertEquals("a.b", e.path());
  }

  @ParameterizedTest(name = "{0} milli formats as Kubernetes prints it")
  @MethodSource("formats")
  void formatsMilliUnitsLikeKubernetes(long milli, String expected) {
    assertEquals(expected, Quantities.formatMilli(milli));
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> formats() {
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(500L, "500m"),
        org.junit.jupiter.params.provider.Arguments.of(2000L, "2"),
        org.junit.jupiter.params.provider.Arguments.of(1500L, "1500m"),
        org.junit.jupiter.params.provider.Arguments.of(3_000_000L, "3k"),
        org.junit.jupiter.params.provider.Arguments.of(0L, "0"));
  }
}
