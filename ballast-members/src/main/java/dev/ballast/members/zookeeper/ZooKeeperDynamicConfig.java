package dev.ballast.members.zookeeper;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A ZooKeeper dynamic configuration as {@code getConfig} returns it: the {@code server.N} lines by
 * server id and the configuration version ({@code version=} line, hexadecimal; 0 when absent, as in
 * a file written by hand for a server that has not started yet).
 */
public record ZooKeeperDynamicConfig(long version, Map<Integer, Server> servers) {

  /** Role of a server in the ensemble, as spelled in its {@code server.N} line. */
  public enum Role {
    PARTICIPANT,
    OBSERVER
  }

  /**
   * One {@code server.N=host:quorumPort:electionPort[:role];[clientHost:]clientPort} line; {@code
   * clientPort} is 0 when the line has no client part.
   */
  public record Server(
      int id,
      String host,
      int quorumPort,
      int electionPort,
      Role role,
      String clientHost,
      int clientPort) {

    public Server {
      if (id <= 0) {
        throw new IllegalArgumentException("server id must be > 0, was " + id);
      }
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(clientHost, "clientHost");
    }

    /** The text after {@code server.N=}, in the form ZooKeeper itself writes. */
    public String spec() {
      String base =
          host + ":" + quorumPort + ":" + electionPort + ":" + role.name().toLowerCase(Locale.ROOT);
      return clientPort > 0 ? base + ";" + clientHost + ":" + clientPort : base;
    }

    /** The whole {@code server.N=...} line. */
    public String line() {
      return "server." + id + "=" + spec();
    }

    /** The ordinal of the member this server id stands for (id - 1). */
    public int ordinal() {
      return id - 1;
    }

    /** Whether {@code other} names the same addresses and role (ZooKeeper would see no change). */
    public boolean sameAs(Server other) {
      return id == other.id
          && host.equals(other.host)
          && quorumPort == other.quorumPort
          && electionPort == other.electionPort
          && role == other.role
          && clientPort == other.clientPort;
    }
  }

  public ZooKeeperDynamicConfig {
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, was " + version);
    }
    servers = Collections.unmodifiableMap(new TreeMap<>(servers));
  }

  /** Parses the text of a dynamic configuration ({@code getConfig} output or a dynamic file). */
  public static ZooKeeperDynamicConfig parse(String text) {
    long version = 0;
    Map<Integer, Server> servers = new TreeMap<>();
    for (String raw : text.split("\\R")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("not a configuration line: '" + line + "'");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (key.equals("version")) {
        version = parseHex(value, line);
      } else if (key.startsWith("server.")) {
        int id = parseInt(key.substring("server.".length()), line);
        servers.put(id, parseServer(id, value, line));
      } else {
        throw new IllegalArgumentException(
            "unexpected key in dynamic configuration: '" + line + "'");
      }
    }
    return new ZooKeeperDynamicConfig(version, servers);
  }

  private static Server parseServer(int id, String value, String line) {
    String[] halves = value.split(";", -1);
    if (halves.length > 2) {
      throw new IllegalArgumentException("too many ';' in '" + line + "'");
    }
    String[] peer = halves[0].split(":");
    if (peer.length < 3 || peer.length > 4) {
      throw new IllegalArgumentException(
          "expected host:quorumPort:electionPort[:role] in '" + line + "'");
    }
    Role role = Role.PARTICIPANT;
    if (peer.length == 4) {
      try {
        role = Role.valueOf(peer[3].strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown role '" + peer[3] + "' in '" + line + "'", e);
      }
    }
    String clientHost = "0.0.0.0";
    int clientPort = 0;
    if (halves.length == 2) {
      String client = halves[1].strip();
      int colon = client.lastIndexOf(':');
      if (colon >= 0) {
        clientHost = client.substring(0, colon);
        clientPort = parseInt(client.substring(colon + 1), line);
      } else {
        clientPort = parseInt(client, line);
      }
    }
    return new Server(
        id,
        peer[0].strip(),
        parseInt(peer[1], line),
        parseInt(peer[2], line),
        role,
        clientHost,
        clientPort);
  }

  private static int parseInt(String s, String line) {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number '" + s + "' in '" + line + "'", e);
    }
  }

  private static long parseHex(String s, String line) {
    try {
      return Long.parseLong(s.strip(), 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a hexadecimal version in '" + line + "'", e);
    }
  }

  /** The server with this id, if the configuration has it. */
  public Optional<Server> server(int id) {
    return Optional.ofNullable(servers.get(id));
  }

  /** Ordinals (server id - 1) of the voting members (participants). */
  public Set<Integer> votingOrdinals() {
    return servers.values().stream()
        .filter(s -> s.role() == Role.PARTICIPANT)
        .map(Server::ordinal)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** A copy with {@code server} added or replaced. */
  public ZooKeeperDynamicConfig with(Server server) {
    Map<Integer, Server> copy = new TreeMap<>(servers);
    copy.put(server.id(), server);
    return new ZooKeeperDynamicConfig(version, copy);
  }

  /** A copy without the server with this id. */
  public ZooKeeperDynamicConfig without(int id) {
    Map<Integer, Server> copy = new TreeMap<>(servers);
    copy.remove(id);
    return new ZooKeeperDynamicConfig(version, copy);
  }

  /**
   * The {@code server.N} lines only, one per line, ready for a server's dynamic configuration file
   * (ZooKeeper refuses a {@code version} line inside that file).
   */
  public String serverLines() {
    return servers.values().stream().map(Server::line).collect(Collectors.joining("\n", "", "\n"));
  }

  /** The configuration version as ZooKeeper prints it (hexadecimal). */
  public String versionHex() {
    return Long.toHexString(version);
  }
}
