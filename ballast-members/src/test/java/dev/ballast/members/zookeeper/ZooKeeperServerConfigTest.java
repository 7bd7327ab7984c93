package dev.ballast.members.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZooKeeperServerConfigTest {

  private static final Path DIR = Path.of("/srv/zk/member-1");
  private final ZooKeeperServerConfig config = ZooKeeperServerConfig.defaults();

  private static Member member(int ordinal) {
    int base = 20000 + ordinal * 10;
    return new Member(
        ordinal,
        "127.0.0.1",
        Map.of("client", base, "quorum", base + 1, "election", base + 2, "admin", base + 3));
  }

  @Test
  void serverIdIsOrdinalPlusOne() {
    assertThat(ZooKeeperServerConfig.serverId(member(0))).isEqualTo(1);
    assertThat(ZooKeeperServerConfig.serverId(member(4))).isEqualTo(5);
  }

  @Test
  void filesOfANewEnsembleHoldStaticConfigDynamicConfigMyidAndLogConfig() {
    // when
    Map<String, String> files = config.files(member(1), DIR, List.of(member(0), member(1)));

    // then
    assertThat(files).containsOnlyKeys("zoo.cfg", "zoo.cfg.dynamic", "data/myid", "logback.xml");
    assertThat(files.get("data/myid")).isEqualTo("2\n");
    assertThat(files.get("zoo.cfg.dynamic"))
        .isEqualTo(
            """
            server.1=127.0.0.1:20001:20002:participant;127.0.0.1:20000
            server.2=127.0.0.1:20011:20012:participant;127.0.0.1:20010
            """);
    assertThat(files.get("zoo.cfg").lines())
        .contains(
            "tickTime=500",
            "initLimit=20",
            "syncLimit=10",
            "dataDir=" + DIR.resolve("data"),
            "standaloneEnabled=false",
            "reconfigEnabled=true",
            "dynamicConfigFile=" + DIR.resolve("zoo.cfg.dynamic"),
            "skipACL=yes",
            "4lw.commands.whitelist=ruok,srvr,mntr",
            "admin.enableServer=false")
        .noneMatch(l -> l.startsWith("clientPort") || l.startsWith("server."));
  }

  @Test
  void filesFromLaunchSettingsUseTheAnnouncedDynamicConfig() {
    // given
    String announced =
        ZooKeeperServerConfig.dynamicConfig(List.of(member(0), member(1), member(2), member(3)))
            .serverLines();

    // when
    Map<String, String> files =
        config.files(
            member(3), DIR, Map.of(ZooKeeperServerConfig.DYNAMIC_CONFIG_SETTING, announced));

    // then
    assertThat(files.get("zoo.cfg.dynamic")).isEqualTo(announced);
    assertThat(files.get("data/myid")).isEqualTo("4\n");
  }

  @Test
  void refusesLaunchSettingsWithoutTheMembersOwnLine() {
    // given
    String others = ZooKeeperServerConfig.dynamicConfig(List.of(member(0))).serverLines();

    // then
    assertThatThrownBy(
            () ->
                config.files(
                    member(3), DIR, Map.of(ZooKeeperServerConfig.DYNAMIC_CONFIG_SETTING, others)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("server.4");
    assertThatThrownBy(() -> config.files(member(3), DIR, Map.<String, String>of()))
        .hasMessageContaining(ZooKeeperServerConfig.DYNAMIC_CONFIG_SETTING);
    assertThatThrownBy(() -> config.files(member(3), DIR, List.of(member(0))))
        .hasMessageContaining("include member 3");
  }

  @Test
  void superUserReplacesSkipAclWithADigestAndNeverWritesThePassword() {
    // given
    ZooKeeperServerConfig secured = config.withSuperUser("ballast", "pw");

    // when
    String zooCfg = secured.files(member(0), DIR, List.of(member(0))).get("zoo.cfg");

    // then
    assertThat(zooCfg.lines())
        .noneMatch(l -> l.startsWith("skipACL"))
        .anyMatch(
            l -> l.matches("DigestAuthenticationProvider\\.superDigest=ballast:[A-Za-z0-9+/=]+"));
    assertThat(zooCfg).doesNotContain("ballast:pw");
    assertThatThrownBy(() -> config.withSuperUser("a:b", "pw")).hasMessageContaining("without ':'");
  }

  @Test
  void commandRunsQuorumPeerMainWithSmallHeapAndFastStartFlags() {
    // given
    Path cfg = DIR.resolve("zoo.cfg");

    // when
    List<String> argv = config.command(cfg, "a.jar:b.jar");

    // then
    assertThat(argv.get(0)).endsWith("/bin/java");
    assertThat(argv)
        .contains(
            "-Xmx96m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dlogback.configurationFile=" + DIR.resolve("logback.xml"))
        .containsSequence("-cp", "a.jar:b.jar")
        .endsWith("org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg.toString());
  }

  @Test
  void rejectsSettingsThatCannotRunAServer() {
    assertThatThrownBy(() -> new ZooKeeperServerConfig(Duration.ofMillis(1), 10, 5, 96))
        .hasMessageContaining("tickTime");
    assertThatThrownBy(() -> new ZooKeeperServerConfig(Duration.ofMillis(500), 0, 5, 96))
        .hasMessageContaining("initLimit");
    assertThatThrownBy(() -> new ZooKeeperServerConfig(Duration.ofMillis(500), 10, 5, 8))
        .hasMessageContaining("maxHeapMegabytes");
  }
}
