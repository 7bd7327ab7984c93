package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec;
import dev.ballast.members.etcd.EtcdServerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemberAddressingTest {

  @Test
  void portsComeFromTheNamePortSettingsOverTheAdapterDefaults() {
    // when
    MemberAddressing a =
        MemberAddressing.fromSettings(
            Map.of("clientPort", "12181", "metricsPort", "9404", "other", "x"),
            Map.of("client", 2181, "quorum", 2888));

    // then
    var member = a.member(2, "zk-2", "zk-hs", "ns", null);
    assertThat(member.ports())
        .containsOnly(
            Map.entry("client", 12181), Map.entry("quorum", 2888), Map.entry("metrics", 9404));
    assertThat(member.host()).isEqualTo("zk-2.zk-hs.ns.svc");
  }

  @Test
  void theHostTemplateCanOffsetTheOrdinal() {
    // given
    MemberAddressing a =
        MemberAddressing.fromSettings(Map.of("host", "127.0.0.{ordinal+10}"), Map.of());

    // when / then
    assertThat(a.member(0, "zk-0", "zk-hs", "ns", null).host()).isEqualTo("127.0.0.10");
    assertThat(a.member(3, "zk-3", "zk-hs", "ns", null).host()).isEqualTo("127.0.0.13");
  }

  @Test
  void etcdMembersAreTheirPodDnsNamesOnEtcdsDefaultPorts() {
    // given: type Etcd with no settings
    MemberAddressing a =
        MemberAddressing.fromSettings(
            Map.of(), ManagedCluster.defaultPorts(StatefulAutoscalerSpec.MembershipType.Etcd));

    // when
    var member = a.member(3, "etcd-3", "etcd-hs", "ns", "10.0.0.9");

    // then: the URLs a real etcd StatefulSet advertises, through its headless Service
    assertThat(EtcdServerConfig.clientUrl(member)).isEqualTo("http://etcd-3.etcd-hs.ns.svc:2379");
    assertThat(EtcdServerConfig.peerUrl(member)).isEqualTo("http://etcd-3.etcd-hs.ns.svc:2380");
  }

  @Test
  void aBadPortNamesTheSetting() {
    assertThatThrownBy(() -> MemberAddressing.fromSettings(Map.of("clientPort", "x"), Map.of()))
        .hasMessage(
            "spec.membership.settings.clientPort: must be a port number 1..65535, was \"x\"");
  }
}
