package dev.ballast.k8s.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code pods/exec} on the real control plane: the API server sends the exec to the node's {@link
 * TestKubelet}, which runs the command in the pod's container context (its environment and folder,
 * as the {@link NodeAgent} runs its member); output and exit codes come back through fabric8's exec
 * and through {@code kubectl exec}, as from a kubelet.
 */
class PodExecIT {
  private static final String IMAGE = "ballast-test/idle";

  /** Says where it runs and what it sees, on stdout and stderr, and exits with its argument. */
  private static final String GREET =
      """
      #!/usr/bin/env bash
      echo "hello from $HOSTNAME in $(pwd) with greeting $GREETING"
      echo "to stderr" >&2
      exit "${1:-0}"
      """;

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder()
          .runner(new IdlePodRunner(IMAGE).withFile("greet", GREET))
          .build();

  static Pod pod;

  @BeforeAll
  static void aRunningPod() {
    KubernetesClient client = cluster.client();
    client
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("shell")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage(IMAGE)
                .addNewEnv()
                .withName("POD_NAME")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.name")
                .endFieldRef()
                .endValueFrom()
                .endEnv()
                .addNewEnv()
                .withName("GREETING")
                .withValue("$(POD_NAME)-says-hi")
                .endEnv()
                .endContainer()
                .endSpec()
                .build())
        .create();
    await("pod shell Running with its member")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Pod p = client.pods().inNamespace("default").withName("shell").get();
              return p.getStatus() != null
                  && "Running".equals(p.getStatus().getPhase())
                  && cluster.agent().process("default", "shell").isPresent();
            });
    pod = client.pods().inNamespace("default").withName("shell").get();
  }

  private static Path podFolder() {
    return cluster
        .controlPlane()
        .workDir()
        .resolveSibling("node")
        .resolve("pods")
        .resolve(pod.getMetadata().getUid())
        .toAbsolutePath();
  }

  private record Run(Integer exitCode, String out, String err) {}

  private static Run fabric8Exec(String... command) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch =
        cluster
            .client()
            .pods()
            .inNamespace("default")
            .withName("shell")
            .inContainer("main")
            .writingOutput(out)
            .writingError(err)
            .exec(command)) {
      Integer exit = watch.exitCode().get(60, TimeUnit.SECONDS);
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void fabric8ExecRunsTheCommandInThePodsEnvironmentAndFolder() throws Exception {
    // when
    Run run = fabric8Exec("./greet");

    // then
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .isEqualTo("hello from shell in " + podFolder() + " with greeting shell-says-hi\n");
    assertThat(run.err()).isEqualTo("to stderr\n");
  }

  @Test
  void aNonZeroExitCodeReachesTheFabric8Caller() throws Exception {
    // when
    Run run = fabric8Exec("./greet", "3");

    // then
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).startsWith("hello from shell");
  }

  @Test
  void kubectlExecShowsTheOutputAndExitsWithTheCommandsCode() {
    // when
    KubeControlPlane.KubectlResult ok =
        cluster.controlPlane().kubectl("exec", "shell", "-c", "main", "--", "./greet");
    KubeControlPlane.KubectlResult failed =
        cluster.controlPlane().kubectl("exec", "shell", "-c", "main", "--", "./greet", "7");

    // then
    assertThat(ok.exitCode()).as(ok.output()).isZero();
    assertThat(ok.output()).contains("hello from shell in " + podFolder());
    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(7);
    assertThat(failed.output()).contains("command terminated with exit code 7");
  }

  @Test
  void aContainerThePodDoesNotRunIsRefused() {
    // when
    KubeControlPlane.KubectlResult r =
        cluster.controlPlane().kubectl("exec", "shell", "-c", "other", "--", "./greet");

    // then: the API server knows the pod has no such container
    assertThat(r.exitCode()).as(r.output()).isNotZero();
    assertThat(r.output()).contains("container other is not valid for pod shell");
  }
}
