package dev.ballast.members.zookeeper;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.zookeeper.client.FourLetterWordMain;
import org.apache.zookeeper.common.X509Exception;

/**
 * Sends ZooKeeper four-letter words ({@code ruok}, {@code srvr}, {@code mntr}) over a server's
 * client port with ZooKeeper's own client, and parses their answers.
 */
final class ZooKeeperFourLetterWords {

  private final Duration timeout;

  ZooKeeperFourLetterWords(Duration timeout) {
    this.timeout = timeout;
  }

  /** The raw answer; throws IOException when the server cannot be reached in time. */
  String send(String host, int port, String word) throws IOException {
    try {
      return FourLetterWordMain.send4LetterWord(host, port, word, false, (int) timeout.toMillis());
    } catch (X509Exception.SSLContextException e) {
      throw new IOException("TLS setup failed for " + host + ":" + port, e);
    }
  }

  /** Whether the server answers {@code imok}; false when it does not answer. */
  boolean ruok(String host, int port) {
    try {
      return send(host, port, "ruok").strip().equals("imok");
    } catch (IOException e) {
      return false;
    }
  }

  /** The server's state from {@code srvr}. */
  ServerState srvr(String host, int port) throws IOException {
    return ServerState.parse(send(host, port, "srvr"));
  }

  /** The {@code mntr} key/value pairs. */
  Map<String, String> mntr(String host, int port) throws IOException {
    return parseMntr(send(host, port, "mntr"));
  }

  static Map<String, String> parseMntr(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : text.split("\\R")) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        values.put(line.substring(0, tab).strip(), line.substring(tab + 1).strip());
      }
    }
    return values;
  }

  /**
   * What {@code srvr} says: the mode ({@code leader}, {@code follower}, {@code observer}, {@code
   * standalone}; empty when the server is not serving requests, for example while it looks for a
   * leader or syncs with it) and the last transaction id it has applied.
   */
  record ServerState(Optional<String> mode, long zxid, String raw) {

    static ServerState parse(String text) {
      String mode = null;
      long zxid = -1;
      for (String line : text.split("\\R")) {
        if (line.startsWith("Mode:")) {
          mode = line.substring("Mode:".length()).strip().toLowerCase(Locale.ROOT);
        } else if (line.startsWith("Zxid:")) {
          String hex = line.substring("Zxid:".length()).strip();
          zxid = Long.parseUnsignedLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
        }
      }
      return new ServerState(Optional.ofNullable(mode), zxid, text.strip());
    }

    boolean serving() {
      return mode.isPresent();
    }

    boolean leader() {
      return mode.filter("leader"::equals).isPresent();
    }

    /** One-line summary for messages. */
    String summary() {
      return mode.map(m -> "mode=" + m + " zxid=0x" + Long.toHexString(zxid))
          .orElse("not serving requests");
    }
  }
}
