package dev.ballast.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ZooKeeper's {@code mntr} four-letter command over the client port: one plain TCP request and a
 * tab-separated {@code key value} reply (for example {@code zk_avg_latency 0.1234}), read until the
 * server closes the connection. The server must allow it ({@code 4lw.commands.whitelist=mntr,...}
 * in its config; only {@code srvr} is allowed by default).
 *
 * <p>A plain socket is used rather than ZooKeeper's {@code FourLetterWordMain}: the exchange is one
 * request and one reply, and this keeps the ZooKeeper server jar out of the adapter.
 */
public final class ZooKeeperMntr {
  private static final int MAX_REPLY_BYTES = 1 << 20;

  private ZooKeeperMntr() {}

  /**
   * Sends {@code mntr} to {@code host:port} and returns the raw reply, bounded by {@code timeout}.
   */
  public static String fetch(String host, int port, Duration timeout) throws IOException {
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write("mntr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(MAX_REPLY_BYTES);
      String text = new String(reply, StandardCharsets.UTF_8);
      if (text.contains("is not in the whitelist") || text.contains("is not executed")) {
        throw new IOException(
            "ZooKeeper at "
                + host
                + ":"
                + port
                + " refused mntr: add mntr to 4lw.commands.whitelist in its config");
      }
      if (text.isBlank()) {
        throw new IOException("ZooKeeper at " + host + ":" + port + " sent an empty mntr reply");
      }
      return text;
    }
  }

  /**
   * Parses an {@code mntr} reply into its keys and raw values, in order. Lines that are not {@code
   * key<whitespace>value} are ignored (a reply may end with a partial line when cut short).
   */
  public static Map<String, String> parse(String reply) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : reply.split("\\r?\\n")) {
      String trimmed = line.strip();
      int gap = indexOfWhitespace(trimmed);
      if (gap <= 0) {
        continue;
      }
      values.put(trimmed.substring(0, gap), trimmed.substring(gap).strip());
    }
    return Collections.unmodifiableMap(values);
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
