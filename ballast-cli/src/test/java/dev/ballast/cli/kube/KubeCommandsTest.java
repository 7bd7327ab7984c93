package dev.ballast.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.crd.v1alpha1.VerticalAdviceStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lines {@code ballast status} prints for status.verticalAdvice. */
class KubeCommandsTest {

  @Test
  void verticalAdviceShowsEachContainersTargetAndBoundsBesideItsRequest() {
    // given
    VerticalAdviceStatus v = new VerticalAdviceStatus();
    v.reason = "Observing";
    v.message = "21 container samples from 7 pods added";
    VerticalAdviceStatus.ContainerAdvice a = new VerticalAdviceStatus.ContainerAdvice();
    a.containerName = "zookeeper";
    a.samples = 21L;
    a.firstSampleTime = "2026-12-06T16:21:00Z";
    a.target = Map.of("cpu", new Quantity("414m"), "memory", new Quantity("374Mi"));
    a.lowerBound = Map.of("cpu", new Quantity("276m"), "memory", new Quantity("357Mi"));
    a.upperBound = Map.of("cpu", new Quantity("456m"), "memory", new Quantity("374Mi"));
    a.requests = Map.of("cpu", new Quantity("100m"));
    v.containers = List.of(a);

    // when
    List<String> lines = KubeCommands.verticalLines(v);

    // then
    assertThat(lines.get(0))
        .isEqualTo(
            "vertical advice (never applied): Observing: 21 container samples from 7 pods added");
    assertThat(lines.get(1)).contains("container", "samples", "since", "cpu target (low-up)");
    assertThat(lines.get(2))
        .contains("zookeeper", "21", "2026-12-06T16:21:00Z", "414m (276m-456m)", "100m")
        .contains("374Mi (357Mi-374Mi)")
        .endsWith("-");
  }

  @Test
  void verticalAdviceWithoutUsageSaysWhyOnOneLine() {
    // given
    VerticalAdviceStatus v = new VerticalAdviceStatus();
    v.reason = "MetricsUnavailable";
    v.message = "metrics.k8s.io PodMetrics in zk: 404 Not Found; the advice is unchanged";

    // when / then
    assertThat(KubeCommands.verticalLines(v))
        .containsExactly(
            "vertical advice (never applied): MetricsUnavailable: metrics.k8s.io PodMetrics in zk:"
                + " 404 Not Found; the advice is unchanged");
  }
}
