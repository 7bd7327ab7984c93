package dev.ballast.local.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ballast.api.InputDocuments;
import dev.ballast.api.InvalidDocumentException;
import dev.ballast.local.autoscale.LocalAutoscaling;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing (Jazzer) of the cluster file reader and of the autoscaling section the
 * {@code run} loop reads from it: every input must give a cluster (and a loop spec) or a {@link
 * ClusterFileException} whose problems are one line each, quickly. The corpus lies in {@code
 * src/test/resources/dev/ballast/local/config/ClusterFileFuzzTestInputs}.
 */
class ClusterFileFuzzTest {
  /**
   * An input that takes longer than this is a hang, not slowness: the first input also pays for
   * class loading and instrumentation, which takes seconds on a loaded machine.
   */
  private static final long HANG_MILLIS = 60_000;

  private static final Path FILE =
      Path.of("target", "fuzz", "cluster.yaml").toAbsolutePath().normalize();

  @FuzzTest(maxDuration = "10s")
  void readsAClusterFileOrRefusesItInOneLinePerProblem(byte[] data) {
    long start = System.nanoTime();
    try {
      ClusterFile cluster = ClusterFile.parse(InputDocuments.decode(data, "cluster.yaml"), FILE);
      if (cluster.metrics().size() > 0) {
        assertThat(LocalAutoscaling.spec(cluster)).isNotNull();
      }
    } catch (InvalidDocumentException e) {
      assertOneLine(e.getMessage());
    } catch (ClusterFileException e) {
      assertThat(e.problems()).isNotEmpty().allSatisfy(ClusterFileFuzzTest::assertOneLine);
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
