package dev.ballast.members.zookeeper;

import dev.ballast.core.port.Member;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One {@code QuorumPeerMain} child process, for the manual floor measurement and tests: writes the
 * server's files, starts it with its log in {@code server.log}, and stops or kills it.
 */
final class ZooKeeperServerProcess implements AutoCloseable {

  static final String LOG_FILE = "server.log";

  private final Member member;
  private final Path serverDir;
  private final Process process;

  private ZooKeeperServerProcess(Member member, Path serverDir, Process process) {
    this.member = member;
    this.serverDir = serverDir;
    this.process = process;
  }

  /** Writes {@code files} under {@code serverDir} and starts the server. */
  static ZooKeeperServerProcess start(
      ZooKeeperServerConfig config,
      Member member,
      Path serverDir,
      Map<String, String> files,
      String classPath) {
    ZooKeeperServerConfig.write(serverDir, files);
    ProcessBuilder pb =
        new ProcessBuilder(
                config.command(serverDir.resolve(ZooKeeperServerConfig.CONFIG_FILE), classPath))
            .directory(serverDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(serverDir.resolve(LOG_FILE).toFile()));
    try {
      return new ZooKeeperServerProcess(member, serverDir, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start ZooKeeper server for member " + member.ordinal(), e);
    }
  }

  Member member() {
    return member;
  }

  Path serverDir() {
    return serverDir;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Asks the server to stop (SIGTERM) and waits for it; kills it if it lingers. */
  void stop() {
    process.destroy();
    waitForExit();
  }

  /** Kills the server at once (SIGKILL), as a crash would. */
  void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  /**
   * A port that was free on 127.0.0.1 a moment ago and that this JVM has not handed out before (so
   * that two members never get the same port).
   */
  static int freePort() {
    synchronized (HANDED_OUT) {
      for (int attempt = 0; attempt < 50; attempt++) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          if (HANDED_OUT.add(s.getLocalPort())) {
            return s.getLocalPort();
          }
        } catch (IOException e) {
          throw new UncheckedIOException("no free port on the loopback address", e);
        }
      }
    }
    throw new IllegalStateException("no fresh free port on the loopback address");
  }

  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  /** A member on 127.0.0.1 with free {@code client}, {@code quorum} and {@code election} ports. */
  static Member localMember(int ordinal) {
    return new Member(
        ordinal,
        "127.0.0.1",
        Map.of(
            ZooKeeperServerConfig.CLIENT_PORT, freePort(),
            ZooKeeperServerConfig.QUORUM_PORT, freePort(),
            ZooKeeperServerConfig.ELECTION_PORT, freePort()));
  }
}
