package dev.ballast.api.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code hpa-oracle} binary (tools/hpa-oracle), run once and asked one snapshot at a time: a
 * compact JSON line in, the controller's decision as one JSON line out. Built by {@code
 * scripts/build-hpa-oracle} into {@code ${BALLAST_TOOLS_DIR:-$HOME/.cache/ballast}}.
 */
final class HpaOracle implements AutoCloseable {
  static final String KUBERNETES_VERSION = "1.36.3";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final BufferedWriter in;
  private final BufferedReader out;

  private HpaOracle(Process process) {
    this.process = process;
    this.in =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Where scripts/build-hpa-oracle puts the binary. */
  static Path binary() {
    String dir = System.getenv("BALLAST_TOOLS_DIR");
    Path tools =
        dir == null || dir.isEmpty()
            ? Path.of(System.getProperty("user.home"), ".cache", "ballast")
            : Path.of(dir);
    return tools.resolve("hpa-oracle-v" + KUBERNETES_VERSION).resolve("hpa-oracle");
  }

  /** Starts the oracle; fails with the way out when it has not been built. */
  static HpaOracle start() throws IOException {
    Path bin = binary();
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(
          "the HPA oracle is not built ("
              + bin
              + " is missing): run scripts/build-hpa-oracle (scripts/install-test-tools runs it)");
    }
    return new HpaOracle(
        new ProcessBuilder(bin.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  /** The controller's decision for {@code snapshot}. */
  JsonNode ask(JsonNode snapshot) throws IOException {
    in.write(JSON.writeValueAsString(snapshot));
    in.newLine();
    in.flush();
    String line = out.readLine();
    if (line == null) {
      throw new IOException("hpa-oracle stopped: " + exitStatus());
    }
    return JSON.readTree(line);
  }

  private String exitStatus() {
    try {
      return process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)
          ? "exit " + process.exitValue()
          : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
    process.destroy();
  }
}
