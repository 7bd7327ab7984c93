package dev.ballast.members.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.members.zookeeper.ZooKeeperDynamicConfig.Role;
import dev.ballast.members.zookeeper.ZooKeeperDynamicConfig.Server;
import org.junit.jupiter.api.Test;

class ZooKeeperDynamicConfigTest {

  private static final String GET_CONFIG_OUTPUT =
      """
      server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181
      server.2=127.0.0.1:2889:3889:participant;127.0.0.1:2182
      server.3=127.0.0.1:2890:3890:observer;0.0.0.0:2183
      version=10000002a
      """;

  @Test
  void parsesServersRolesClientAddressesAndHexadecimalVersion() {
    // when
    ZooKeeperDynamicConfig config = ZooKeeperDynamicConfig.parse(GET_CONFIG_OUTPUT);

    // then
    assertThat(config.version()).isEqualTo(0x10000002aL);
    assertThat(config.servers()).containsOnlyKeys(1, 2, 3);
    assertThat(config.server(2).orElseThrow())
        .isEqualTo(new Server(2, "127.0.0.1", 2889, 3889, Role.PARTICIPANT, "127.0.0.1", 2182));
    assertThat(config.server(3).orElseThrow().role()).isEqualTo(Role.OBSERVER);
  }

  @Test
  void votingMembersAreTheParticipantsAsOrdinals() {
    // given
    ZooKeeperDynamicConfig config = ZooKeeperDynamicConfig.parse(GET_CONFIG_OUTPUT);

    // when / then
    assertThat(config.votingOrdinals()).containsExactly(0, 1);
  }

  @Test
  void serverLinesOmitTheVersionBecauseZooKeeperRefusesItInADynamicFile() {
    // given
    ZooKeeperDynamicConfig config = ZooKeeperDynamicConfig.parse(GET_CONFIG_OUTPUT);

    // when
    String lines = config.serverLines();

    // then
    assertThat(lines)
        .isEqualTo(
            """
            server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181
            server.2=127.0.0.1:2889:3889:participant;127.0.0.1:2182
            server.3=127.0.0.1:2890:3890:observer;0.0.0.0:2183
            """);
    assertThat(ZooKeeperDynamicConfig.parse(lines).servers()).isEqualTo(config.servers());
  }

  @Test
  void lineWithoutRoleOrClientHostDefaultsToParticipantOnAllAddresses() {
    // when
    Server s =
        ZooKeeperDynamicConfig.parse("server.7=10.0.0.7:1234:1235;1236").server(7).orElseThrow();

    // then
    assertThat(s.role()).isEqualTo(Role.PARTICIPANT);
    assertThat(s.clientHost()).isEqualTo("0.0.0.0");
    assertThat(s.clientPort()).isEqualTo(1236);
    assertThat(s.ordinal()).isEqualTo(6);
  }

  @Test
  void withAndWithoutAddAndRemoveOneServerKeepingTheVersion() {
    // given
    ZooKeeperDynamicConfig config = ZooKeeperDynamicConfig.parse(GET_CONFIG_OUTPUT);
    Server four = new Server(4, "127.0.0.1", 2891, 3891, Role.PARTICIPANT, "127.0.0.1", 2184);

    // when
    ZooKeeperDynamicConfig grown = config.with(four);
    ZooKeeperDynamicConfig shrunk = config.without(1);

    // then
    assertThat(grown.votingOrdinals()).containsExactly(0, 1, 3);
    assertThat(grown.version()).isEqualTo(config.version());
    assertThat(shrunk.servers()).containsOnlyKeys(2, 3);
    assertThat(config.servers()).containsOnlyKeys(1, 2, 3);
  }

  @Test
  void sameAsIgnoresTheClientHostSpellingButNotPortsOrRole() {
    // given
    Server a = new Server(1, "127.0.0.1", 1, 2, Role.PARTICIPANT, "127.0.0.1", 3);

    // then
    assertThat(a.sameAs(new Server(1, "127.0.0.1", 1, 2, Role.PARTICIPANT, "0.0.0.0", 3))).isTrue();
    assertThat(a.sameAs(new Server(1, "127.0.0.1", 1, 2, Role.OBSERVER, "127.0.0.1", 3))).isFalse();
    assertThat(a.sameAs(new Server(1, "127.0.0.1", 1, 9, Role.PARTICIPANT, "127.0.0.1", 3)))
        .isFalse();
  }

  @Test
  void rejectsMalformedLinesNamingThem() {
    assertThatThrownBy(() -> ZooKeeperDynamicConfig.parse("server.1=127.0.0.1:2888"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("server.1=127.0.0.1:2888");
    assertThatThrownBy(() -> ZooKeeperDynamicConfig.parse("server.1=h:1:2:voter;3"))
        .hasMessageContaining("unknown role 'voter'");
    assertThatThrownBy(() -> ZooKeeperDynamicConfig.parse("clientPort=2181"))
        .hasMessageContaining("unexpected key");
    assertThatThrownBy(() -> ZooKeeperDynamicConfig.parse("version=xyz"))
        .hasMessageContaining("hexadecimal");
  }
}
