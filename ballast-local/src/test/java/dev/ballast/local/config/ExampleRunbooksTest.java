package dev.ballast.local.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.members.hooks.HookPoint;
import dev.ballast.members.peers.PeerListSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The runbook examples in examples/runbooks are valid cluster files that say what they claim. */
class ExampleRunbooksTest {
  private static ClusterFile load(String name) throws Exception {
    return ClusterFile.load(Path.of("../examples/runbooks", name));
  }

  private static ClusterFile load(String name, String component) throws Exception {
    return ClusterFile.load(Path.of("../examples/runbooks", name), component);
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
    ClusterFile c = load("storage.yaml", "chunk");
    assertThat(c.policy().minReplicas()).isEqualTo(3);
    assertThat(c.policy().maxReplicas()).isEqualTo(255);
    assertThat(c.policy().nodes().onePerNode()).isTrue();
    assertThat(c.metrics().toString()).contains("data_dir_usage");
    assertThat(c.hooks().orElseThrow().at(HookPoint.FORGET)).hasSize(3);
  }

  @Test
  void theMetaServersFollowTheNodeCount() throws Exception {
    ClusterFile c = load("storage.yaml", "meta");
    assertThat(c.policy().nodes().sizing().orElseThrow().sizeFor(6)).isEqualTo(5);
    assertThat(c.policy().nodes().sizing().orElseThrow().sizeFor(4)).isEqualTo(3);
  }

  @Test
  void theMetaAndChunkServersAreTwoComponentsOfOneSystemWithTheirOwnStateDirectories()
      throws Exception {
    ClusterFile meta = load("storage.yaml", "meta");
    ClusterFile chunk = load("storage.yaml", "chunk");
    assertThat(meta.system().orElseThrow().stateDirs()).containsOnlyKeys("meta", "chunk");
    assertThat(meta.stateDir()).isEqualTo(meta.system().orElseThrow().stateDir().resolve("meta"));
    assertThat(chunk.stateDir())
        .isEqualTo(chunk.system().orElseThrow().stateDir().resolve("chunk"));
    assertThat(meta.name()).isEqualTo("storage-meta");
  }

  @Test
  void nacosAndEurekaPublishTheirPeerLists() throws Exception {
    PeerListSpec nacos = load("nacos-peers.yaml").peers().orElseThrow();
    assertThat(nacos.file().getFileName()).hasToString("cluster.conf");
    assertThat(nacos.copyTo()).contains("{dataDir}/conf/cluster.conf");
    assertThat(nacos.afterChange()).isEqualTo(PeerListSpec.AfterChange.NONE);
    PeerListSpec eureka = load("eureka-peers.yaml").peers().orElseThrow();
    assertThat(eureka.separator()).isEqualTo(",");
    assertThat(eureka.afterChange()).isEqualTo(PeerListSpec.AfterChange.RESTART);
  }
}
