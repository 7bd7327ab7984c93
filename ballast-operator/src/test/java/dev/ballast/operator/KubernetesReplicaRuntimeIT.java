package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesReplicaRuntimeIT {
  KubernetesClient client;
  MockCluster cluster;
  KubernetesReplicaRuntime runtime;

  @BeforeEach
  void setUp() {
    cluster = new MockCluster(client);
    cluster.statefulSet("zk", 3, "500m");
    cluster.kubelet("zk");
    TargetWorkload target = cluster.target("zk");
    runtime =
        new KubernetesReplicaRuntime(
            client,
            target,
            MemberAddressing.fromSettings(Map.of("clientPort", "2181"), Map.of()),
            Optional.empty());
  }

  @Test
  void membersAreTheOrdinalsBelowTheReplicasAddressedByTheStableName() {
    // when
    var members = runtime.members();

    // then
    assertThat(members).extracting(Member::ordinal).containsExactly(0, 1, 2);
    assertThat(members.get(1).host()).isEqualTo("zk-1.zk-hs.test.svc");
    assertThat(members.get(1).port("client")).isEqualTo(2181);
    assertThat(runtime.isRunning(2)).isTrue();
    assertThat(runtime.isPodReady(2)).isTrue();
    assertThat(runtime.isRunning(3)).isFalse();
  }

  @Test
  void startWritesTheLaunchSettingsThenAddsOneOrdinalThroughScale() {
    // given
    Member next = runtime.prepare(3);

    // when
    runtime.start(next, Map.of("dynamicConfig", "server.4=zk-3:2888:3888;2181"));
    runtime.start(next, Map.of("dynamicConfig", "server.4=zk-3:2888:3888;2181"));

    // then: once, idempotent
    assertThat(cluster.replicas("zk")).isEqualTo(4);
    assertThat(
            client.configMaps().inNamespace("test").withName("zk-ballast-launch").get().getData())
        .containsOnly(Map.entry("member-3.dynamicConfig", "server.4=zk-3:2888:3888;2181"));
  }

  @Test
  void stopRemovesOnlyTheHighestOrdinal() {
    // when / then
    assertThatThrownBy(() -> runtime.stop(1)).hasMessageContaining("cannot stop member 1");
    runtime.stop(2);
    runtime.stop(2);
    assertThat(cluster.replicas("zk")).isEqualTo(2);
  }

  @Test
  void aStoppedMemberStaysReservedUntilItsCleanupSoItsForgetHooksGetItsAddress() {
    // given: member 2 stopped and its pod gone
    runtime.stop(2);
    cluster.kubelet("zk");
    KubernetesReplicaRuntime restarted =
        new KubernetesReplicaRuntime(
            client,
            runtime.target(),
            MemberAddressing.fromSettings(Map.of("clientPort", "2181"), Map.of()),
            Optional.empty());

    // when / then: reserved until its cleanup, after an operator restart too (its live claim)
    assertThat(runtime.members()).extracting(Member::ordinal).containsExactly(0, 1);
    assertThat(runtime.member(2)).map(Member::host).contains("zk-2.zk-hs.test.svc");
    assertThat(restarted.member(2)).map(Member::host).contains("zk-2.zk-hs.test.svc");
    assertThat(runtime.member(3)).isEmpty();
    runtime.cleanup(2, DataPolicy.DELETE);
    assertThat(runtime.member(2)).isEmpty();
    assertThat(restarted.member(2)).isEmpty();
  }

  @Test
  void cleanupTouchesNoDataWhileThePodExistsAndDeletesTheClaimsAfter() {
    // given
    runtime.stop(2);

    // when / then: the pod is still there (its kubelet has not caught up)
    assertThatThrownBy(() -> runtime.cleanup(2, DataPolicy.DELETE))
        .hasMessageContaining("still has a pod");
    assertThat(client.persistentVolumeClaims().inNamespace("test").withName("data-zk-2").get())
        .isNotNull();

    // when: the pod is gone
    cluster.kubelet("zk");
    runtime.cleanup(2, DataPolicy.DELETE);

    // then: the claims and the member's launch settings are gone, the others' kept
    assertThat(client.persistentVolumeClaims().inNamespace("test").withName("data-zk-2").get())
        .isNull();
    assertThat(client.persistentVolumeClaims().inNamespace("test").withName("data-zk-1").get())
        .isNotNull();
  }

  @Test
  void launchSettingsOfEachMemberLiveUnderItsOwnKeysUntilItsCleanup() {
    // given: members 3 and 4 were started with settings
    runtime.start(runtime.prepare(3), Map.of("dynamicConfig", "three"));
    runtime.start(runtime.prepare(4), Map.of("dynamicConfig", "four"));
    cluster.kubelet("zk");

    // when: member 4 leaves
    runtime.stop(4);
    cluster.kubelet("zk");
    runtime.cleanup(4, DataPolicy.RETAIN);

    // then
    assertThat(
            client.configMaps().inNamespace("test").withName("zk-ballast-launch").get().getData())
        .containsOnly(Map.entry("member-3.dynamicConfig", "three"));
  }

  @Test
  void aRetainedClaimBlocksTheOrdinalFromRejoiningWithStaleData() {
    // given: member 2 left with data policy Retain
    runtime.stop(2);
    cluster.kubelet("zk");
    runtime.cleanup(2, DataPolicy.RETAIN);
    assertThat(
            client
                .persistentVolumeClaims()
                .inNamespace("test")
                .withName("data-zk-2")
                .get()
                .getMetadata()
                .getLabels())
        .containsEntry(KubernetesReplicaRuntime.RETIRED_LABEL, "true");

    // when / then: adding member 2 again refuses before touching the replicas
    assertThatThrownBy(() -> runtime.start(runtime.prepare(2), Map.of()))
        .hasMessageContaining("retained data of a removed member")
        .hasMessageContaining("data-zk-2");
    assertThat(cluster.replicas("zk")).isEqualTo(2);
  }
}
