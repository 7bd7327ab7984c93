package dev.ballast.k8s.testkit.zookeeper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.FourLetterWordMain;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * Asks one ZooKeeper server directly, with ZooKeeper's own client and nothing of Ballast: its
 * {@code /zookeeper/config} and its {@code srvr} mode. Tests use it to check an ensemble
 * independently of the code under test.
 */
public final class ZooKeeperProbe {

  private ZooKeeperProbe() {}

  /** One server's configuration: its version and its {@code server.N} lines by id. */
  public record Config(long version, Map<Integer, String> servers) {}

  /**
   * The configuration {@code host:port} serves from {@code /zookeeper/config} (a session on that
   * server alone, then a sync so that it is the committed one).
   */
  public static Config config(String host, int port, Duration timeout)
      throws IOException, InterruptedException {
    CountDownLatch connected = new CountDownLatch(1);
    ZKClientConfig clientConfig = new ZKClientConfig();
    try (ZooKeeper zk =
        new ZooKeeper(
            host + ":" + port,
            (int) Math.max(4000, timeout.toMillis()),
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            },
            clientConfig)) {
      if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("no session with " + host + ":" + port + " within " + timeout);
      }
      byte[] data = zk.getConfig(false, null);
      return parse(new String(data, StandardCharsets.UTF_8));
    } catch (org.apache.zookeeper.KeeperException e) {
      throw new IOException("getConfig on " + host + ":" + port + " failed: " + e.getMessage(), e);
    }
  }

  static Config parse(String text) {
    Map<Integer, String> servers = new TreeMap<>();
    long version = -1;
    for (String line : text.split("\\R")) {
      if (line.startsWith("server.")) {
        int eq = line.indexOf('=');
        servers.put(
            Integer.parseInt(line.substring("server.".length(), eq)), line.substring(eq + 1));
      } else if (line.startsWith("version=")) {
        version = Long.parseLong(line.substring("version=".length()).strip(), 16);
      }
    }
    return new Config(version, servers);
  }

  /** The server's mode from {@code srvr}: leader, follower, observer, or "not serving". */
  public static String mode(String host, int port) throws IOException {
    try {
      String answer = FourLetterWordMain.send4LetterWord(host, port, "srvr", false, 3000);
      for (String line : answer.split("\\R")) {
        if (line.startsWith("Mode:")) {
          return line.substring("Mode:".length()).strip();
        }
      }
      return "not serving";
    } catch (org.apache.zookeeper.common.X509Exception.SSLContextException e) {
      throw new IOException(e);
    }
  }
}
