package dev.ballast.members.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.port.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Node names, the cluster's cookie home and epmd port, and the environment a node starts with. */
class RabbitMqNodesTest {
  @TempDir Path stateDir;

  @Test
  void namesANodeAfterItsOrdinalAndReadsTheOrdinalBack() {
    assertThat(RabbitMqNodes.nodeName(3)).isEqualTo("ballast-3@localhost");
    assertThat(RabbitMqNodes.ordinalOf("ballast-3@localhost")).contains(3);
    assertThat(RabbitMqNodes.ordinalOf("rabbit@host")).isEqualTo(Optional.empty());
  }

  @Test
  void aClusterKeepsOneCookieReadableByItsOwnerOnlyAndOneEpmdPort() throws Exception {
    // when
    RabbitMqNodes first = RabbitMqNodes.forCluster(stateDir, RabbitMqNodes.DEFAULT_SCRIPTS);
    RabbitMqNodes again = RabbitMqNodes.forCluster(stateDir, RabbitMqNodes.DEFAULT_SCRIPTS);

    // then
    Path cookie = first.home().resolve(".erlang.cookie");
    assertThat(Files.readString(cookie)).matches("[A-Z]{32}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cookie)))
        .isEqualTo("r--------");
    assertThat(again.epmdPort()).isEqualTo(first.epmdPort()).isBetween(1, 65535);
    assertThat(again.cliEnvironment())
        .containsEntry("HOME", first.home().toString())
        .containsEntry("ERL_EPMD_PORT", Integer.toString(first.epmdPort()));
  }

  @Test
  void aNodeStartsWithItsNamePortsDataDirectoryAndTheSchedulerSettings() throws Exception {
    // given
    RabbitMqNodes nodes = RabbitMqNodes.forCluster(stateDir, RabbitMqNodes.DEFAULT_SCRIPTS);
    Member member = new Member(2, "127.0.0.1", Map.of("amqp", 5700, "dist", 25700));
    Path memberDir = Files.createDirectories(stateDir.resolve("members/2"));

    // when
    Map<String, String> env = nodes.serverEnvironment(member, memberDir, memberDir.resolve("data"));

    // then
    assertThat(env)
        .containsEntry("RABBITMQ_NODENAME", "ballast-2@localhost")
        .containsEntry("RABBITMQ_NODE_PORT", "5700")
        .containsEntry("RABBITMQ_DIST_PORT", "25700")
        .containsEntry("RABBITMQ_MNESIA_BASE", memberDir.resolve("data").toString())
        .containsEntry("HOME", nodes.home().toString());
    assertThat(env.get("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"))
        .contains("+S 1:1", "+sbwt none", "-start_epmd false");
    assertThat(Files.readString(memberDir.resolve("rabbitmq.conf")))
        .contains("listeners.tcp.default = 127.0.0.1:5700");
    assertThat(Files.readString(memberDir.resolve("enabled_plugins"))).isEqualTo("[].\n");
  }
}
