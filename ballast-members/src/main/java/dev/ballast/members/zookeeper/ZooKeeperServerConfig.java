package dev.ballast.members.zookeeper;

import dev.ballast.core.port.Member;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * The files and the command line that run one ZooKeeper 3.9 server ({@code QuorumPeerMain}) for a
 * {@link Member}: server id = ordinal + 1, ports named {@code client}, {@code quorum} and {@code
 * election}. The server runs in quorum mode even alone ({@code standaloneEnabled=false}) with
 * dynamic reconfiguration on, so that the ensemble can grow from and shrink to any size.
 *
 * <p>Reconfiguration needs either a super user or {@code skipACL=yes}. By default this local setup
 * uses {@code skipACL=yes}: every port is bound to the member's host (127.0.0.1 for local
 * clusters), so only processes on this machine reach the servers, and no secret has to be
 * generated, stored and handed to every client. It also means znode ACLs are not enforced: for a
 * server reachable from other machines, set {@code superDigest} (see {@link #withSuperUser}) and
 * give the same credentials to {@link ZooKeeperMembership#withSuperUser}.
 */
public record ZooKeeperServerConfig(
    Duration tickTime,
    int initLimit,
    int syncLimit,
    int maxHeapMegabytes,
    Optional<String> superDigest) {

  /** Name of the member port clients connect to (and four-letter words are sent to). */
  public static final String CLIENT_PORT = "client";

  /** Name of the member port followers use to reach the leader. */
  public static final String QUORUM_PORT = "quorum";

  /** Name of the member port used for leader election. */
  public static final String ELECTION_PORT = "election";

  /**
   * Name of the optional admin port. ZooKeeper's admin server needs Jetty, which the ZooKeeper
   * artifact does not bring, so it is switched off and this port stays unused.
   */
  public static final String ADMIN_PORT = "admin";

  /** Key of the launch setting holding the dynamic configuration a new server starts with. */
  public static final String DYNAMIC_CONFIG_SETTING = "zookeeper.dynamicConfig";

  /** Static configuration file, relative to the server directory. */
  public static final String CONFIG_FILE = "zoo.cfg";

  /**
   * Initial dynamic configuration file, relative to the server directory. ZooKeeper writes later
   * versions beside it ({@code zoo.cfg.dynamic.<version>}) and points {@code zoo.cfg} at them.
   */
  public static final String DYNAMIC_CONFIG_FILE = "zoo.cfg.dynamic";

  /**
   * Data directory (snapshots, transaction logs, {@code myid}), relative to the server directory.
   */
  public static final String DATA_DIR = "data";

  /** Logging configuration for the server process, relative to the server directory. */
  public static final String LOG_CONFIG_FILE = "logback.xml";

  /** The four-letter words Ballast uses: health, role and sync state. */
  public static final String FOUR_LETTER_WORDS = "ruok,srvr,mntr";

  public ZooKeeperServerConfig {
    Objects.requireNonNull(tickTime, "tickTime");
    if (tickTime.toMillis() < 10) {
      throw new IllegalArgumentException("tickTime must be at least 10ms, was " + tickTime);
    }
    if (initLimit < 1 || syncLimit < 1) {
      throw new IllegalArgumentException("initLimit and syncLimit must be >= 1");
    }
    if (maxHeapMegabytes < 32) {
      throw new IllegalArgumentException("maxHeapMegabytes must be >= 32, was " + maxHeapMegabytes);
    }
    Objects.requireNonNull(superDigest, "superDigest");
  }

  /** Settings with {@code skipACL=yes} (no super user). */
  public ZooKeeperServerConfig(
      Duration tickTime, int initLimit, int syncLimit, int maxHeapMegabytes) {
    this(tickTime, initLimit, syncLimit, maxHeapMegabytes, Optional.empty());
  }

  /**
   * The same settings with ACLs enforced and a digest super user {@code user} (password {@code
   * password}) who may reconfigure, instead of {@code skipACL=yes}.
   */
  public ZooKeeperServerConfig withSuperUser(String user, String password) {
    if (user.isBlank() || user.contains(":") || password.isEmpty()) {
      throw new IllegalArgumentException(
          "super user must be a non-blank name without ':' and a password");
    }
    try {
      return new ZooKeeperServerConfig(
          tickTime,
          initLimit,
          syncLimit,
          maxHeapMegabytes,
          Optional.of(DigestAuthenticationProvider.generateDigest(user + ":" + password)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM cannot compute ZooKeeper digests", e);
    }
  }

  /**
   * Settings for small local ensembles: a 500 ms tick (sessions of 1 to 10 s), followers must sync
   * within 10 s (initLimit 20) and answer the leader within 5 s (syncLimit 10), a 96 MB heap.
   */
  public static ZooKeeperServerConfig defaults() {
    return new ZooKeeperServerConfig(Duration.ofMillis(500), 20, 10, 96);
  }

  /** ZooKeeper server id of a member: its ordinal + 1 (ZooKeeper ids start at 1). */
  public static int serverId(Member member) {
    return member.ordinal() + 1;
  }

  /** The dynamic configuration entry of a member, as a voting participant. */
  public static ZooKeeperDynamicConfig.Server server(Member member) {
    return new ZooKeeperDynamicConfig.Server(
        serverId(member),
        member.host(),
        member.port(QUORUM_PORT),
        member.port(ELECTION_PORT),
        ZooKeeperDynamicConfig.Role.PARTICIPANT,
        member.host(),
        member.port(CLIENT_PORT));
  }

  /** The dynamic configuration of an ensemble made of {@code members}, all participants. */
  public static ZooKeeperDynamicConfig dynamicConfig(List<Member> members) {
    Map<Integer, ZooKeeperDynamicConfig.Server> servers = new LinkedHashMap<>();
    for (Member m : members) {
      servers.put(serverId(m), server(m));
    }
    return new ZooKeeperDynamicConfig(0, servers);
  }

  /** Launch settings that make a server start with {@code dynamicConfig}. */
  public static Map<String, String> launchSettings(ZooKeeperDynamicConfig dynamicConfig) {
    return Map.of(DYNAMIC_CONFIG_SETTING, dynamicConfig.serverLines());
  }

  /**
   * The files of a server of a new ensemble made of {@code ensemble} (which includes {@code
   * member}), by path relative to {@code serverDir}; contents refer to absolute paths under {@code
   * serverDir}.
   */
  public Map<String, String> files(Member member, Path serverDir, List<Member> ensemble) {
    if (ensemble.stream().noneMatch(m -> m.ordinal() == member.ordinal())) {
      throw new IllegalArgumentException(
          "ensemble must include member " + member.ordinal() + " itself");
    }
    return files(member, serverDir, dynamicConfig(ensemble).serverLines());
  }

  /**
   * The files of a server joining a running ensemble, from the launch settings {@link
   * ZooKeeperMembership#announce} returned.
   */
  public Map<String, String> files(
      Member member, Path serverDir, Map<String, String> launchSettings) {
    String dynamic = launchSettings.get(DYNAMIC_CONFIG_SETTING);
    if (dynamic == null || dynamic.isBlank()) {
      throw new IllegalArgumentException(
          "launch settings have no '"
              + DYNAMIC_CONFIG_SETTING
              + "' for member "
              + member.ordinal());
    }
    ZooKeeperDynamicConfig parsed = ZooKeeperDynamicConfig.parse(dynamic);
    if (parsed.server(serverId(member)).isEmpty()) {
      throw new IllegalArgumentException(
          "dynamic configuration for member "
              + member.ordinal()
              + " lacks its own line server."
              + serverId(member));
    }
    return files(member, serverDir, parsed.serverLines());
  }

  private Map<String, String> files(Member member, Path serverDir, String dynamicLines) {
    Path dir = serverDir.toAbsolutePath().normalize();
    Map<String, String> files = new LinkedHashMap<>();
    files.put(CONFIG_FILE, staticConfig(member, dir));
    files.put(DYNAMIC_CONFIG_FILE, dynamicLines);
    files.put(DATA_DIR + "/myid", serverId(member) + "\n");
    files.put(LOG_CONFIG_FILE, LOGBACK_XML);
    return files;
  }

  private String staticConfig(Member member, Path dir) {
    return String.join(
        "\n",
        "# ZooKeeper server."
            + serverId(member)
            + " (member "
            + member.ordinal()
            + "), by Ballast.",
        "# ZooKeeper rewrites this file when the ensemble is reconfigured.",
        "tickTime=" + tickTime.toMillis(),
        "initLimit=" + initLimit,
        "syncLimit=" + syncLimit,
        "dataDir=" + dir.resolve(DATA_DIR),
        "standaloneEnabled=false",
        "reconfigEnabled=true",
        "dynamicConfigFile=" + dir.resolve(DYNAMIC_CONFIG_FILE),
        // Reconfiguration needs a super user or no ACL checks at all; see the class comment.
        superDigest.map(d -> "DigestAuthenticationProvider.superDigest=" + d).orElse("skipACL=yes"),
        "4lw.commands.whitelist=" + FOUR_LETTER_WORDS,
        "admin.enableServer=false",
        "autopurge.snapRetainCount=3",
        "autopurge.purgeInterval=1",
        "");
  }

  /**
   * The command that runs the server whose {@link #CONFIG_FILE} is {@code configFile}, with the
   * Java of this JVM, a small heap and fast-start JIT settings; {@code classPath} must contain
   * ZooKeeper and its dependencies (and logback for logs). The process writes its log to stdout.
   */
  public List<String> command(Path configFile, String classPath) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path logConfig = configFile.toAbsolutePath().resolveSibling(LOG_CONFIG_FILE);
    List<String> argv = new ArrayList<>();
    argv.add(java.toString());
    argv.add("-Xmx" + maxHeapMegabytes + "m");
    argv.add("-Xms16m");
    argv.add("-Xss512k");
    argv.add("-XX:+UseSerialGC");
    argv.add("-XX:TieredStopAtLevel=1");
    argv.add("-XX:-UsePerfData");
    argv.add("-Djava.net.preferIPv4Stack=true");
    argv.add("-Dlogback.configurationFile=" + logConfig);
    argv.add("-Dzookeeper.jmx.log4j.disable=true");
    argv.add("-cp");
    argv.add(classPath);
    argv.add("org.apache.zookeeper.server.quorum.QuorumPeerMain");
    argv.add(configFile.toAbsolutePath().toString());
    return List.copyOf(argv);
  }

  /** Writes {@code files} (as returned by {@code files(...)}) under {@code serverDir}. */
  public static void write(Path serverDir, Map<String, String> files) {
    try {
      for (Map.Entry<String, String> e : files.entrySet()) {
        Path target = serverDir.resolve(e.getKey());
        Files.createDirectories(target.getParent());
        Files.writeString(target, e.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write ZooKeeper files under " + serverDir, e);
    }
  }

  private static final String LOGBACK_XML =
      """
      <configuration>
        <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder>
            <pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern>
          </encoder>
        </appender>
        <logger name="org.apache.zookeeper" level="INFO"/>
        <root level="WARN">
          <appender-ref ref="OUT"/>
        </root>
      </configuration>
      """;
}
