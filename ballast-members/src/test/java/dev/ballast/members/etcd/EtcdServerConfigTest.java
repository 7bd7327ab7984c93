package dev.ballast.members.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdServerConfigTest {
  @TempDir Path dir;

  private static Member member(int ordinal, int client, int peer) {
    return new Member(ordinal, "127.0.0.1", Map.of("client", client, "peer", peer));
  }

  @Test
  void namesMembersByOrdinalAndReadsTheOrdinalBack() {
    assertThat(EtcdServerConfig.name(4)).isEqualTo("member-4");
    assertThat(EtcdServerConfig.ordinalOf("member-4")).contains(4);
    assertThat(EtcdServerConfig.ordinalOf("")).isEmpty();
    assertThat(EtcdServerConfig.ordinalOf("member-x")).isEmpty();
    assertThat(EtcdServerConfig.ordinalOf("default")).isEmpty();
  }

  @Test
  void bootstrapsANewClusterWithEveryMemberByName() {
    // when
    Map<String, String> settings =
        EtcdServerConfig.bootstrap(List.of(member(0, 2379, 2380), member(1, 3379, 3380)));

    // then
    assertThat(settings)
        .containsEntry(
            EtcdServerConfig.INITIAL_CLUSTER,
            "member-0=http://127.0.0.1:2380,member-1=http://127.0.0.1:3380")
        .containsEntry(EtcdServerConfig.INITIAL_CLUSTER_STATE, "new");
  }

  @Test
  void startsAJoiningMemberWithTheClusterItWasAddedTo() {
    // given
    Map<String, String> settings =
        Map.of(
            EtcdServerConfig.INITIAL_CLUSTER, "member-0=http://127.0.0.1:2380,member-3=x",
            EtcdServerConfig.INITIAL_CLUSTER_STATE, "existing");

    // when
    List<String> cmd =
        EtcdServerConfig.command(Path.of("etcd"), member(3, 5379, 5380), dir, settings);

    // then
    assertThat(cmd)
        .startsWith("etcd", "--name=member-3", "--data-dir=" + dir)
        .contains(
            "--listen-client-urls=http://127.0.0.1:5379",
            "--advertise-client-urls=http://127.0.0.1:5379",
            "--listen-peer-urls=http://127.0.0.1:5380",
            "--initial-advertise-peer-urls=http://127.0.0.1:5380",
            "--initial-cluster=member-0=http://127.0.0.1:2380,member-3=x",
            "--initial-cluster-state=existing",
            "--strict-reconfig-check=true");
  }

  @Test
  void listensOnAnAddressWhileAdvertisingTheMembersHostName() {
    // given: a pod listening on its address, known to its peers by its DNS name
    Member pod = new Member(1, "etcd-1.etcd-hs.ns.svc", Map.of("client", 2379, "peer", 2380));

    // when
    List<String> cmd =
        EtcdServerConfig.command(
            Path.of("etcd"), pod, "10.0.0.7", dir, EtcdServerConfig.bootstrap(List.of(pod)));

    // then
    assertThat(cmd)
        .contains(
            "--listen-client-urls=http://10.0.0.7:2379",
            "--advertise-client-urls=http://etcd-1.etcd-hs.ns.svc:2379",
            "--listen-peer-urls=http://10.0.0.7:2380",
            "--initial-advertise-peer-urls=http://etcd-1.etcd-hs.ns.svc:2380",
            "--initial-cluster=member-1=http://etcd-1.etcd-hs.ns.svc:2380");
  }

  @Test
  void refusesToStartAMemberWithoutDataOrInitialCluster() {
    assertThatThrownBy(
            () -> EtcdServerConfig.command(Path.of("etcd"), member(0, 1, 2), dir, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("member 0 has no data and no initial cluster to start with");
  }

  @Test
  void restartsAMemberFromItsDataWithoutInitialFlags() throws Exception {
    // given a data directory etcd has written
    Files.createDirectories(dir.resolve("member"));

    // when
    List<String> cmd = EtcdServerConfig.command(Path.of("etcd"), member(0, 1, 2), dir, Map.of());

    // then
    assertThat(cmd).noneMatch(a -> a.startsWith("--initial-cluster"));
  }

  @Test
  void findsTheBinaryTheTestToolsBuild() {
    assertThat(EtcdServerConfig.defaultBinary(Map.of(), "/home/u"))
        .isEqualTo(Path.of("/home/u/.cache/ballast/k8s-v1.36.3/bin/etcd"));
    assertThat(EtcdServerConfig.defaultBinary(Map.of("BALLAST_TOOLS_DIR", "/opt/t"), "/home/u"))
        .isEqualTo(Path.of("/opt/t/k8s-v1.36.3/bin/etcd"));
  }
}
