package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Coverage-guided fuzzing (Jazzer) at the command line: each input is a snapshot file given to
 * {@code ballast recommend --explain} (as .json and as .yaml), which must exit 0 or 2, never print
 * a stack trace or an "unexpected error", and answer quickly. The corpus lies in {@code
 * src/test/resources/dev/ballast/cli/RecommendCommandFuzzTestInputs}.
 */
class RecommendCommandFuzzTest {
  /**
   * An input that takes longer than this is a hang, not slowness: the first input also pays for
   * class loading and instrumentation, which takes seconds on a loaded machine.
   */
  private static final long HANG_MILLIS = 60_000;

  private static final Path DIR = Path.of("target", "fuzz-cli").toAbsolutePath();

  @FuzzTest(maxDuration = "5s")
  void exitsZeroOrTwoWithOneLine(byte[] data) throws IOException {
    Files.createDirectories(DIR);
    for (String name : new String[] {"snapshot.json", "snapshot.yaml"}) {
      Path file = Files.write(DIR.resolve(name), data);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cl = BallastCommand.commandLine();
      cl.setOut(new PrintWriter(out));
      cl.setErr(new PrintWriter(err));
      long start = System.nanoTime();

      int code = cl.execute("recommend", "--explain", "--snapshot", file.toString());

      assertThat(code).as(err.toString()).isIn(ExitCodes.OK, ExitCodes.USAGE);
      assertThat(err.toString()).doesNotContain("unexpected error").doesNotContain("\tat ");
      if (code == ExitCodes.USAGE) {
        assertThat(err.toString().lines()).hasSize(1);
      }
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(HANG_MILLIS);
    }
  }
}
