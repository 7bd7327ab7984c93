package dev.ballast.local.runtime;

import dev.ballast.core.port.Member;
import dev.ballast.members.redis.RedisServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts a Redis Cluster node: {@code redis-server} in cluster mode with the command line {@link
 * RedisServerConfig} builds (the member's {@code client} and {@code bus} ports, its own directory
 * with its {@code nodes.conf} and append-only file). A node that never ran gets a {@code
 * nodes.conf} whose node ID names its ordinal.
 */
public final class RedisLauncher implements MemberLauncher {
  private final Path binary;

  public RedisLauncher(Path binary) {
    this.binary = binary;
  }

  @Override
  public LaunchCommand prepare(
      Member member, Path memberDir, Path dataDir, Map<String, String> launchSettings)
      throws IOException {
    if (!Files.isExecutable(binary)) {
      throw new IOException(
          "no redis-server executable at "
              + binary
              + "; run scripts/install-test-tools (apt-get install redis-server), or set"
              + " spec.member.binary");
    }
    RedisServerConfig.prepareDataDir(member, dataDir);
    return new LaunchCommand(RedisServerConfig.command(binary, member, dataDir), Map.of());
  }
}
