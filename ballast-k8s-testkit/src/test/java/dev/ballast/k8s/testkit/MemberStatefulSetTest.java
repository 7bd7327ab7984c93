package dev.ballast.k8s.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.k8s.testkit.etcd.EtcdPodRunner;
import dev.ballast.k8s.testkit.etcd.EtcdStatefulSet;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperPodRunner;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperStatefulSet;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The manifests the member StatefulSet fixtures give, through their shared scaffolding. */
class MemberStatefulSetTest {

  @Test
  void aZooKeeperFixtureIsAHeadlessServiceOnItsClientPortAndItsStatefulSet() {
    // given
    ZooKeeperStatefulSet zk =
        ZooKeeperStatefulSet.of("ns", "zk")
            .replicas(5)
            .bootstrapSize(3)
            .podManagementPolicy("OrderedReady")
            .cpuRequest("250m");

    // when
    var resources = zk.resources();

    // then
    assertThat(resources).hasSize(2);
    assertHeadless((Service) resources.get(0), "zk", "client", zk.clientPort());
    StatefulSet sts = (StatefulSet) resources.get(1);
    assertScaffolding(sts, "zk", 5, "OrderedReady", "250m");
    Container c = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getName()).isEqualTo("zookeeper");
    assertThat(ports(c))
        .containsExactly(
            Map.entry("client", zk.clientPort()),
            Map.entry("quorum", zk.quorumPort()),
            Map.entry("election", zk.electionPort()));
    assertThat(c.getEnv())
        .containsExactly(new EnvVar(ZooKeeperPodRunner.BOOTSTRAP_SIZE_ENV, "3", null));
  }

  @Test
  void anEtcdFixtureIsAHeadlessServiceOnItsClientPortAndItsStatefulSet() {
    // given
    EtcdStatefulSet etcd = EtcdStatefulSet.of("ns", "etcd");

    // when
    var resources = etcd.resources();

    // then
    assertThat(resources).hasSize(2);
    assertHeadless((Service) resources.get(0), "etcd", "client", etcd.clientPort());
    StatefulSet sts = (StatefulSet) resources.get(1);
    assertScaffolding(sts, "etcd", 3, "Parallel", "100m");
    Container c = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getName()).isEqualTo("etcd");
    assertThat(ports(c))
        .containsExactly(
            Map.entry("client", etcd.clientPort()), Map.entry("peer", etcd.peerPort()));
    assertThat(c.getEnv()).containsExactly(new EnvVar(EtcdPodRunner.BOOTSTRAP_SIZE_ENV, "3", null));
  }

  private static void assertHeadless(Service s, String name, String portName, int port) {
    assertThat(s.getMetadata().getName()).isEqualTo(name + "-hs");
    assertThat(s.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(s.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(s.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(s.getSpec().getSelector()).containsExactly(Map.entry("app", name));
    assertThat(s.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo(portName);
              assertThat(p.getPort()).isEqualTo(port);
            });
  }

  private static void assertScaffolding(
      StatefulSet sts, String name, int replicas, String policy, String cpu) {
    assertThat(sts.getMetadata().getName()).isEqualTo(name);
    assertThat(sts.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(sts.getSpec().getReplicas()).isEqualTo(replicas);
    assertThat(sts.getSpec().getServiceName()).isEqualTo(name + "-hs");
    assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo(policy);
    assertThat(sts.getSpec().getSelector().getMatchLabels())
        .containsExactly(Map.entry("app", name));
    Container c = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getResources().getRequests().get("cpu").toString()).isEqualTo(cpu);
    assertThat(c.getVolumeMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/data"));
    assertThat(sts.getSpec().getVolumeClaimTemplates())
        .singleElement()
        .satisfies(v -> assertThat(v.getMetadata().getName()).isEqualTo("data"));
  }

  private static Map<String, Integer> ports(Container c) {
    return c.getPorts().stream()
        .collect(
            Collectors.toMap(
                ContainerPort::getName,
                ContainerPort::getContainerPort,
                (a, b) -> a,
                java.util.LinkedHashMap::new));
  }
}
