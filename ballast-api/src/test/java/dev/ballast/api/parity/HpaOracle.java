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
 * scripts/build-hpa-oracle} into {@code ${BALLAST_TOOLS_DIR:-$HOME/.cache/ballast}}, one binary per
 * version of the oracle's sources.
 */
final class HpaOracle implements AutoCloseable {
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

  /**
   * Where scripts/build-hpa-oracle puts the binary built from this checkout's oracle sources (one
   * per source hash under {@code ${BALLAST_TOOLS_DIR:-$HOME/.cache/ballast}}), as the script itself
   * says with {@code --print-path}.
   */
  static Path binary() throws IOException {
    Path script = script();
    Process p =
        new ProcessBuilder("bash", script.toString(), "--print-path")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (p.waitFor() != 0 || path.isEmpty()) {
        throw new IOException(script + " --print-path failed (exit " + p.exitValue() + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return Path.of(path);
  }

  /** scripts/build-hpa-oracle of this checkout (the test runs in a module directory). */
  private static Path script() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path script = dir.resolve("scripts").resolve("build-hpa-oracle");
      if (Files.isRegularFile(script)) {
        return script;
      }
    }
    throw new IOException(
        "scripts/build-hpa-oracle not found above " + Path.of("").toAbsolutePath());
  }

  /** Starts the oracle; fails with the way out when it has not been built. */
  static HpaOracle start() throws IOException {
    Path bin = binary();
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(
          "the HPA oracle is not built ("
              + bin
              + " is missing for this checkout's tools/hpa-oracle): run scripts/build-hpa-oracle"
              + " (scripts/install-test-tools runs it)");
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
