package dev.ballast.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.cli.CliException;
import dev.ballast.cli.ExitCodes;
import org.junit.jupiter.api.Test;

class AutoscalerOptionsTest {

  private static AutoscalerOptions options(String namespace, String name) {
    AutoscalerOptions o = new AutoscalerOptions();
    o.namespace = namespace;
    o.name = name;
    return o;
  }

  @Test
  void acceptsANameOrTheResourceSpelledAsKubectlDoes() {
    // when / then
    assertThat(options("ns", "zk").ref().name()).isEqualTo("zk");
    assertThat(options("ns", "sas/zk").ref().name()).isEqualTo("zk");
    assertThat(options(null, "statefulautoscalers.ballast.dev/zk").ref())
        .isEqualTo(new AutoscalerRef(null, "zk", null, null));
  }

  @Test
  void refusesAnotherKindAMissingNameAndABadNameWithExitTwo() {
    // when / then
    assertThatThrownBy(() -> options("ns", "sts/zk").ref())
        .isInstanceOf(CliException.class)
        .hasMessageContaining("sts/zk is not a StatefulAutoscaler")
        .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCodes.USAGE));
    assertThatThrownBy(() -> options("ns", null).ref()).hasMessageStartingWith("NAME: required");
    assertThatThrownBy(() -> options("ns", "Zk_1").ref())
        .hasMessageContaining("is not a Kubernetes object name");
  }

  @Test
  void anyClusterOptionSelectsTheClusterMode() {
    // given
    AutoscalerOptions none = new AutoscalerOptions();
    AutoscalerOptions namespaceOnly = options("ns", null);

    // when / then
    assertThat(none.selected()).isFalse();
    assertThat(namespaceOnly.selected()).isTrue();
  }
}
