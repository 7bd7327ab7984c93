package dev.ballast.local.runtime;

import dev.ballast.core.port.Member;
import dev.ballast.members.zookeeper.ZooKeeperServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts a built-in ZooKeeper member: {@code QuorumPeerMain} in its own JVM, from the class path of
 * the running Ballast (the ballast jar contains ZooKeeper), with the files {@link
 * ZooKeeperServerConfig} writes. A server that has run before keeps its files: ZooKeeper rewrites
 * its own configuration on every reconfiguration, and that newer version must win.
 */
public final class ZooKeeperLauncher implements MemberLauncher {
  private final ZooKeeperServerConfig config;
  private final String classPath;

  public ZooKeeperLauncher(ZooKeeperServerConfig config, String classPath) {
    this.config = config;
    this.classPath = classPath;
  }

  @Override
  public LaunchCommand prepare(
      Member member, Path memberDir, Path dataDir, Map<String, String> launchSettings)
      throws IOException {
    Path configFile = memberDir.resolve(ZooKeeperServerConfig.CONFIG_FILE);
    boolean hasRun = Files.isDirectory(dataDir.resolve("version-2")) && Files.exists(configFile);
    if (!hasRun) {
      ZooKeeperServerConfig.write(memberDir, config.files(member, memberDir, launchSettings));
    }
    return new LaunchCommand(config.command(configFile, classPath), Map.of());
  }

  /** Megabytes of a JVM heap size such as {@code 128m}, {@code 1g} or {@code 65536k}. */
  public static int heapMegabytes(String heap) {
    long n = Long.parseLong(heap.substring(0, heap.length() - 1));
    return switch (Character.toLowerCase(heap.charAt(heap.length() - 1))) {
      case 'g' -> Math.toIntExact(n * 1024);
      case 'k' -> Math.toIntExact(Math.max(1, n / 1024));
      default -> Math.toIntExact(n);
    };
  }
}
