package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of the snapshot reader, and through it of the autoscaling/v2
 * reader and {@link InputDocuments}: every input is read as JSON and as YAML, and must either give
 * a snapshot or an {@link InvalidDocumentException} with a one-line message, quickly. The corpus
 * lies in {@code src/test/resources/dev/ballast/api/SnapshotReaderFuzzTestInputs}; the build
 * replays it and then fuzzes for a few seconds ({@code -Dballast.fuzz=false} replays only).
 */
class SnapshotReaderFuzzTest {
  /**
   * An input that takes longer than this is a hang, not slowness: the first input also pays for
   * class loading and instrumentation, which takes seconds on a loaded machine.
   */
  private static final long HANG_MILLIS = 60_000;

  @FuzzTest(maxDuration = "10s")
  void readsASnapshotOrRefusesItInOneLine(byte[] data) {
    String text;
    try {
      text = InputDocuments.decode(data, "snapshot");
    } catch (InvalidDocumentException e) {
      assertOneLine(e.getMessage());
      return;
    }
    for (boolean json : new boolean[] {true, false}) {
      long start = System.nanoTime();
      try {
        assertThat(new SnapshotReader().read(text, json)).isNotNull();
      } catch (InvalidDocumentException e) {
        assertOneLine(e.getMessage());
      }
      assertQuick(start);
    }
  }

  static void assertOneLine(String message) {
    assertThat(message).isNotBlank().doesNotContain("\n").doesNotContain("\r");
    assertThat(message.length()).isLessThan(2_000);
  }

  static void assertQuick(long startNanos) {
    assertThat((System.nanoTime() - startNanos) / 1_000_000)
        .as("milliseconds to read one input")
        .isLessThan(HANG_MILLIS);
  }
}
