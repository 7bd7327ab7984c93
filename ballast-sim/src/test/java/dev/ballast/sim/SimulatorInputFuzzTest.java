package dev.ballast.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ballast.api.InputDocuments;
import dev.ballast.api.InvalidDocumentException;

/**
 * Coverage-guided fuzzing (Jazzer) of the simulator's readers: every input is read as a policy, as
 * a workload model and as a trace (CSV or Prometheus JSON, chosen by content as for a file), and
 * each must give its value or an {@link InputException} whose problems are one line each, quickly.
 * The corpus lies in {@code src/test/resources/dev/ballast/sim/SimulatorInputFuzzTestInputs}.
 */
class SimulatorInputFuzzTest {
  /**
   * An input that takes longer than this is a hang, not slowness: the first input also pays for
   * class loading and instrumentation, which takes seconds on a loaded machine.
   */
  private static final long HANG_MILLIS = 60_000;

  @FuzzTest(maxDuration = "10s")
  void readsPoliciesModelsAndTracesOrRefusesThemInOneLine(byte[] data) {
    String text;
    try {
      text = InputDocuments.decode(data, "input");
    } catch (InvalidDocumentException e) {
      assertOneLine(e.getMessage());
      return;
    }
    check(() -> PolicyReader.parsePolicy("p.yaml", "p", text));
    check(() -> PolicyReader.parseModel("m.yaml", text));
    check(
        () ->
            text.stripLeading().startsWith("{")
                ? TraceReader.readPrometheus("t.json", "t", text)
                : TraceReader.readCsv("t.csv", "t", text));
  }

  private static void check(java.util.function.Supplier<Object> read) {
    long start = System.nanoTime();
    try {
      assertThat(read.get()).isNotNull();
    } catch (InputException e) {
      assertThat(e.problems()).isNotEmpty().allSatisfy(SimulatorInputFuzzTest::assertOneLine);
    }
    assertThat((System.nanoTime() - start) / 1_000_000)
        .as("milliseconds to read one input")
        .isLessThan(HANG_MILLIS);
  }

  private static void assertOneLine(String message) {
    assertThat(message).isNotBlank().doesNotContain("\n").doesNotContain("\r");
    assertThat(message.length()).isLessThan(2_000);
  }
}
