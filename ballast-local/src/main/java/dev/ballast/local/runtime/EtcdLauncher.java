package dev.ballast.local.runtime;

import dev.ballast.core.port.Member;
import dev.ballast.members.etcd.EtcdServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts an etcd member: the etcd executable with the command line {@link EtcdServerConfig} builds
 * (name {@code member-<ordinal>}, the member's {@code client} and {@code peer} ports, its data
 * directory, and the initial cluster from the launch settings).
 */
public final class EtcdLauncher implements MemberLauncher {
  private final Path binary;

  public EtcdLauncher(Path binary) {
    this.binary = binary;
  }

  @Override
  public LaunchCommand prepare(
      Member member, Path memberDir, Path dataDir, Map<String, String> launchSettings)
      throws IOException {
    if (!Files.isExecutable(binary)) {
      throw new IOException(
          "no etcd executable at "
              + binary
              + "; run scripts/install-test-tools, or set spec.member.binary");
    }
    return new LaunchCommand(
        EtcdServerConfig.command(binary, member, dataDir, launchSettings), Map.of());
  }
}
