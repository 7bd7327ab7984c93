package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class ImportHpaCommandTest {
  @TempDir Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = BallastCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void printsTheStatefulAutoscalerOfAnHpa() throws Exception {
    // given
    Path hpa = dir.resolve("hpa.yaml");
    Files.writeString(
        hpa,
        """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: chat, namespace: im}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: chat-server}
          minReplicas: 3
          maxReplicas: 7
          metrics:
          - type: Resource
            resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
        """);

    // when
    int code = run("import-hpa", hpa.toString());

    // then
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("apiVersion: \"ballast.dev/v1alpha1\"")
        .contains("kind: \"StatefulAutoscaler\"")
        .contains("name: \"chat-server\"")
        .contains("averageUtilization: 70")
        .contains("maxReplicas: 7");
  }

  @Test
  void badInputIsOneLineNamingTheFieldWithExitCode2() throws Exception {
    // given
    Path hpa = dir.resolve("hpa.yaml");
    Files.writeString(
        hpa,
        """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: chat}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: chat-server}
          minReplicas: 9
          maxReplicas: 7
        """);

    // when
    int code = run("import-hpa", hpa.toString());

    // then
    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString())
        .contains("maxReplicas")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(run("import-hpa", dir.resolve("missing.yaml").toString())).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not UTF-8 | bad byte at offset",
        "two documents | a second YAML document",
        "repeated key | the key 'maxReplicas' appears twice",
        "a list | not an HPA manifest",
        "a wrong type | spec.scaleTargetRef: not a valid CrossVersionObjectReference",
        "a text size | spec.maxReplicas: must be a whole number",
        "too large | larger than the limit",
        "a directory | is a directory",
      })
  void aBadFileIsRefusedInOneLineWithExitCode2(String what, String expected) throws Exception {
    // given
    String hpa =
        """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: chat}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: chat-server}
          maxReplicas: 7
        """;
    Path file = dir.resolve("hpa.yaml");
    switch (what) {
      case "not UTF-8" -> Files.write(file, new byte[] {'k', 'i', 'n', 'd', ':', ' ', (byte) 0xC3});
      case "two documents" -> Files.writeString(file, hpa + "---\n" + hpa);
      case "repeated key" -> Files.writeString(file, hpa + "  maxReplicas: 9\n");
      case "a list" -> Files.writeString(file, "- " + "kind: HorizontalPodAutoscaler\n");
      case "a wrong type" ->
          Files.writeString(file, hpa.replace("name: chat-server}", "name: [a, b]}"));
      case "a text size" ->
          Files.writeString(file, hpa.replace("maxReplicas: 7", "maxReplicas: x"));
      case "too large" -> Files.writeString(file, hpa + "#" + "x".repeat(1 << 20) + "\n");
      case "a directory" -> file = Files.createDirectory(dir.resolve("hpa.d"));
      default -> throw new IllegalArgumentException(what);
    }

    // when
    int code = run("import-hpa", file.toString());

    // then
    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString())
        .contains(file.toString())
        .contains(expected)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
