package dev.ballast.local.load;

import java.util.Objects;

/** Checks ZooKeeper connect strings ({@code host:port,...[/chroot]}) for the demo load. */
final class ConnectStrings {
  private ConnectStrings() {}

  /**
   * Fails unless every server in {@code connectString} is on this machine's loopback interface: the
   * load generator is a local demo tool and must never put load on a remote cluster.
   */
  static String requireLoopback(String connectString) {
    Objects.requireNonNull(connectString, "connectString");
    String servers = connectString.strip();
    int chroot = servers.indexOf('/');
    if (chroot >= 0) {
      servers = servers.substring(0, chroot);
    }
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("connectString is empty; give host:port[,host:port...]");
    }
    for (String server : servers.split(",")) {
      String s = server.strip();
      String host;
      if (s.startsWith("[")) {
        int close = s.indexOf(']');
        host = close < 0 ? s : s.substring(1, close);
      } else {
        int colon = s.lastIndexOf(':');
        host = colon < 0 ? s : s.substring(0, colon);
      }
      if (!isLoopback(host)) {
        throw new IllegalArgumentException(
            "connectString server '"
                + s
                + "' is not on loopback; the demo load only targets 127.0.0.1, ::1 or localhost");
      }
    }
    return connectString;
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost")
        || host.equals("::1")
        || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
