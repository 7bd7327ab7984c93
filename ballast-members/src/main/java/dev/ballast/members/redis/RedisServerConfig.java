package dev.ballast.members.redis;

import dev.ballast.core.port.Member;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a Redis Cluster node is started: {@code redis-server} in cluster mode on the member's {@code
 * client} port with its cluster bus on the {@code bus} port, its data (append-only file, {@code
 * nodes.conf}) in its own directory. A new node's {@code nodes.conf} is written before its first
 * start with a node ID that names the member's ordinal ({@code ba11a5} + 8 hex digits of the
 * ordinal + 26 random hex digits): so any node of the cluster can tell which member a node ID is,
 * even after a crash, and a member re-added later gets a fresh ID (Redis bans a forgotten ID for 60
 * s).
 */
public final class RedisServerConfig {

  /** The port clients (and Ballast) talk to. */
  public static final String CLIENT_PORT = "client";

  /** The cluster bus port nodes talk to each other on. */
  public static final String BUS_PORT = "bus";

  /** The port names of a Redis node, in a stable order. */
  public static final List<String> PORTS = List.of(CLIENT_PORT, BUS_PORT);

  /** The cluster configuration file Redis keeps in the node's directory. */
  public static final String NODES_FILE = "nodes.conf";

  /** The number of hash slots of every Redis Cluster. */
  public static final int SLOTS = 16384;

  private static final String ID_PREFIX = "ba11a5";
  private static final SecureRandom RANDOM = new SecureRandom();

  private RedisServerConfig() {}

  /** A new node ID for the member {@code ordinal}: it names the ordinal, the rest is random. */
  public static String newNodeId(int ordinal) {
    byte[] random = new byte[13];
    RANDOM.nextBytes(random);
    return ID_PREFIX
        + String.format(Locale.ROOT, "%08x", ordinal)
        + HexFormat.of().formatHex(random);
  }

  /** The ordinal a node ID names, if it is one Ballast gave. */
  public static Optional<Integer> ordinalOf(String nodeId) {
    if (nodeId == null || nodeId.length() != 40 || !nodeId.startsWith(ID_PREFIX)) {
      return Optional.empty();
    }
    try {
      int ordinal = Integer.parseInt(nodeId.substring(6, 14), 16);
      return ordinal >= 0 ? Optional.of(ordinal) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Writes the {@code nodes.conf} of a node that never ran (one with that file already is left
   * alone: it rejoins as the node it was).
   */
  public static void prepareDataDir(Member member, Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path nodes = dataDir.resolve(NODES_FILE);
    if (Files.exists(nodes)) {
      return;
    }
    String conf =
        newNodeId(member.ordinal())
            + " :0@0 myself,master - 0 0 0 connected\n"
            + "vars currentEpoch 0 lastVoteEpoch 0\n";
    Files.writeString(nodes, conf, StandardCharsets.US_ASCII);
  }

  /**
   * The command line that starts {@code member} from {@code binary} with its data in {@code
   * dataDir}.
   */
  public static List<String> command(Path binary, Member member, Path dataDir) {
    return List.of(
        binary.toString(),
        "--bind",
        member.host(),
        "--port",
        Integer.toString(member.port(CLIENT_PORT)),
        "--cluster-port",
        Integer.toString(member.port(BUS_PORT)),
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        dataDir.resolve(NODES_FILE).toString(),
        "--cluster-allow-replica-migration",
        "no",
        "--cluster-node-timeout",
        "5000",
        "--dir",
        dataDir.toString(),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--protected-mode",
        "no",
        "--daemonize",
        "no",
        // Keep argv and the environment as started: the runtime finds its members by a marker in
        // the environment, which Redis would overwrite to set its process title.
        "--set-proc-title",
        "no",
        "--loglevel",
        "warning");
  }

  /**
   * Where {@code redis-server} is by default: the first on {@code path} (a PATH value), else
   * Debian's.
   */
  public static Path defaultBinary(String path) {
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "redis-server"))) {
          return Path.of(dir, "redis-server");
        }
      }
    }
    return Path.of("/usr/bin/redis-server");
  }
}
