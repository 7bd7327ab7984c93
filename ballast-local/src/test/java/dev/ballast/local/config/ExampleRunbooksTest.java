package dev.ballast.local.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.members.hooks.HookPoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The runbook examples in examples/runbooks are valid cluster files that say what they claim. */
class ExampleRunbooksTest {
  private static ClusterFile load(String name) throws Exception {
    return ClusterFile.load(Path.of("../examples/runbooks", name));
  }

  @Test
  void theChatServerIsSized357VerifiedByItsNodeListAndNeverShrunk() throws Exception {
    ClusterFile c = load("chat-server.yaml");
    assertThat(c.policy().allowedReplicas()).containsExactly(3, 5, 7);
    assertThat(c.policy().shrink()).isEqualTo(ShrinkPolicy.DISABLED);
    assertThat(c.hooks().orElseThrow().members()).isPresent();
    assertThat(c.hooks().orElseThrow().health()).isPresent();
  }

  @Test
  void theChunkServersGrowOnStorageAndAreUnregisteredByTheMetaLeaderOnceStopped() throws Exception {
    ClusterFile c = load("storage-chunks.yaml");
    assertThat(c.policy().minReplicas()).isEqualTo(3);
    assertThat(c.policy().maxReplicas()).isEqualTo(255);
    assertThat(c.policy().nodes().onePerNode()).isTrue();
    assertThat(c.metrics().toString()).contains("data_dir_usage");
    assertThat(c.hooks().orElseThrow().at(HookPoint.FORGET)).hasSize(3);
  }

  @Test
  void theMetaServersFollowTheNodeCount() throws Exception {
    ClusterFile c = load("storage-meta.yaml");
    assertThat(c.policy().nodes().sizing().orElseThrow().sizeFor(6)).isEqualTo(5);
    assertThat(c.policy().nodes().sizing().orElseThrow().sizeFor(4)).isEqualTo(3);
  }

  @Test
  void nacosAndEurekaPublishTheirPeerLists() throws Exception {
    assertThat(load("nacos-peers.yaml").peers().orElseThrow().file().getFileName())
        .hasToString("cluster.conf");
    assertThat(load("eureka-peers.yaml").peers().orElseThrow().separator()).isEqualTo(",");
  }
}
