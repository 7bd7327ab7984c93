package dev.ballast.k8s.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeToolsTest {

  @Test
  void missingBinariesFailNamingTheInstallScript(@TempDir Path empty) {
    // given
    KubeTools tools = new KubeTools(empty, KubeTools.KUBERNETES_VERSION);

    // when / then
    assertThatThrownBy(tools::requireAll)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scripts/install-test-tools")
        .hasMessageContaining("kube-apiserver")
        .hasMessageContaining(empty.toString());
  }
}
