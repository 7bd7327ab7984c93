package dev.ballast.local.runtime;

import dev.ballast.core.port.Member;
import dev.ballast.members.rabbitmq.RabbitMqNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts a RabbitMQ node: RabbitMQ's own {@code rabbitmq-server} script with the environment {@link
 * RabbitMqNodes} builds (node name {@code ballast-<ordinal>@localhost}, the member's {@code amqp}
 * and {@code dist} ports, its data and log directories, the cluster's cookie home and private
 * epmd). The epmd is started first when it does not run, outside the member's processes, so that
 * stopping a member never stops the epmd the others are registered with.
 */
public final class RabbitMqLauncher implements MemberLauncher {
  private final RabbitMqNodes nodes;

  public RabbitMqLauncher(RabbitMqNodes nodes) {
    this.nodes = nodes;
  }

  @Override
  public LaunchCommand prepare(
      Member member, Path memberDir, Path dataDir, Map<String, String> launchSettings)
      throws IOException {
    if (!Files.isExecutable(nodes.server())) {
      throw new IOException(
          "no rabbitmq-server script at "
              + nodes.server()
              + "; run scripts/install-test-tools (Debian package rabbitmq-server), or set"
              + " spec.member.binary to the rabbitmq-server script");
    }
    nodes.ensureEpmd(LocalProcessRuntime.MARKER_VARIABLE);
    return new LaunchCommand(
        java.util.List.of(nodes.server().toString()),
        nodes.serverEnvironment(member, memberDir, dataDir));
  }
}
