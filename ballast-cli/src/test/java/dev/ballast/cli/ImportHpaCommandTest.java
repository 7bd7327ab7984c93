package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
}
