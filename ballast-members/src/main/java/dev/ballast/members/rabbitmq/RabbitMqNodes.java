package dev.ballast.members.rabbitmq;

import dev.ballast.core.port.Member;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and how the RabbitMQ nodes of one cluster run on one host: the RabbitMQ scripts (called
 * directly, not through the Debian wrappers in {@code /usr/sbin}, which re-run themselves as the
 * {@code rabbitmq} user with that user's cookie), one Erlang cookie in a home directory of the
 * cluster's own, and a private epmd on its own port so that the cluster never touches the host's
 * standard 4369. Every node is named {@code ballast-<ordinal>@localhost} and gets the ports {@code
 * amqp} (clients) and {@code dist} (Erlang distribution: clustering and the CLI tools).
 */
public final class RabbitMqNodes {

  /** The ports each node gets. */
  public static final List<String> PORTS = List.of("amqp", "dist");

  /** Debian's RabbitMQ scripts. */
  public static final Path DEFAULT_SCRIPTS = Path.of("/usr/lib/rabbitmq/bin");

  /** The directory under a cluster's state directory that holds its cookie and epmd port. */
  public static final String HOME_DIR = "rabbitmq-home";

  private static final String COOKIE_FILE = ".erlang.cookie";
  private static final String EPMD_PORT_FILE = "epmd.port";
  private static final Pattern NODE = Pattern.compile("ballast-(\\d+)@localhost");

  /**
   * Erlang VM flags for a 2-core host: one scheduler and no busy-waiting, so that idle nodes do not
   * burn CPU; distribution on the loopback interface only; epmd is started by Ballast, not erl.
   */
  static final String ERL_ARGS =
      "+S 1:1 +sbwt none +sbwtdcpu none +sbwtdio none -start_epmd false"
          + " -kernel inet_dist_use_interface {127,0,0,1}";

  private final Path scripts;
  private final Path home;
  private final int epmdPort;

  /**
   * Nodes run by the scripts in {@code scripts}, with {@code home} and epmd on {@code epmdPort}.
   */
  public RabbitMqNodes(Path scripts, Path home, int epmdPort) {
    this.scripts = scripts.toAbsolutePath().normalize();
    this.home = home.toAbsolutePath().normalize();
    this.epmdPort = epmdPort;
  }

  /**
   * The settings of the cluster whose state directory is {@code stateDir}: its home directory (with
   * a new random Erlang cookie and a free epmd port the first time, the same ones afterwards).
   */
  public static RabbitMqNodes forCluster(Path stateDir, Path scripts) {
    Path home = stateDir.resolve(HOME_DIR);
    try {
      Files.createDirectories(home);
      Path cookie = home.resolve(COOKIE_FILE);
      if (!Files.exists(cookie)) {
        SecureRandom random = new SecureRandom();
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < 32; i++) {
          value.append((char) ('A' + random.nextInt(26)));
        }
        Path tmp = home.resolve(COOKIE_FILE + ".tmp");
        Files.writeString(tmp, value, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--------"));
        Files.move(tmp, cookie);
      }
      Path portFile = home.resolve(EPMD_PORT_FILE);
      if (!Files.exists(portFile)) {
        Path tmp = home.resolve(EPMD_PORT_FILE + ".tmp");
        Files.writeString(tmp, Integer.toString(freePort()), StandardCharsets.US_ASCII);
        Files.move(tmp, portFile);
      }
      int port = Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII).trim());
      return new RabbitMqNodes(scripts, home, port);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot prepare the RabbitMQ home directory " + home + ": " + e.getMessage(), e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The Erlang node name of the member with {@code ordinal}. */
  public static String nodeName(int ordinal) {
    return "ballast-" + ordinal + "@localhost";
  }

  /** The ordinal a node name such as {@code ballast-3@localhost} carries. */
  public static Optional<Integer> ordinalOf(String nodeName) {
    Matcher m = NODE.matcher(nodeName);
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  public Path scripts() {
    return scripts;
  }

  public Path home() {
    return home;
  }

  public int epmdPort() {
    return epmdPort;
  }

  /** The environment every script of this cluster runs with (cookie home and private epmd). */
  public Map<String, String> cliEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", home.toString());
    env.put("ERL_EPMD_PORT", Integer.toString(epmdPort));
    env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_CONF_ENV_FILE", "/dev/null");
    return env;
  }

  /** The command line of one of the RabbitMQ scripts ({@code rabbitmqctl}, ...) for a node. */
  public List<String> cli(String tool, String node, List<String> args) {
    List<String> argv = new java.util.ArrayList<>();
    argv.add(scripts.resolve(tool).toString());
    argv.add("-q");
    argv.add("-n");
    argv.add(node);
    argv.addAll(args);
    return argv;
  }

  /**
   * Writes the node's configuration under {@code memberDir} and returns the environment that starts
   * it with {@code rabbitmq-server}: its name, ports, data directory ({@code dataDir}), logs,
   * configuration and no plugins.
   */
  public Map<String, String> serverEnvironment(Member member, Path memberDir, Path dataDir)
      throws IOException {
    Path config = memberDir.resolve("rabbitmq.conf");
    Path plugins = memberDir.resolve("enabled_plugins");
    Files.writeString(
        config,
        "listeners.tcp.default = "
            + member.host()
            + ":"
            + member.port("amqp")
            + "\n"
            + "log.file.level = info\n"
            + "log.console = false\n",
        StandardCharsets.UTF_8);
    Files.writeString(plugins, "[].\n", StandardCharsets.UTF_8);
    Map<String, String> env = new LinkedHashMap<>(cliEnvironment());
    env.put("RABBITMQ_NODENAME", nodeName(member.ordinal()));
    env.put("RABBITMQ_NODE_IP_ADDRESS", member.host());
    env.put("RABBITMQ_NODE_PORT", Integer.toString(member.port("amqp")));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(member.port("dist")));
    env.put("RABBITMQ_MNESIA_BASE", dataDir.toString());
    env.put("RABBITMQ_LOG_BASE", memberDir.resolve("log").toString());
    env.put("RABBITMQ_CONFIG_FILE", config.toString());
    env.put("RABBITMQ_ADVANCED_CONFIG_FILE", memberDir.resolve("advanced.config").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", plugins.toString());
    env.put("RABBITMQ_PID_FILE", memberDir.resolve("rabbitmq.pid").toString());
    env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", ERL_ARGS);
    return env;
  }

  /** The {@code rabbitmq-server} script that starts a node. */
  public Path server() {
    return scripts.resolve("rabbitmq-server");
  }

  /** Whether this cluster's epmd answers on its port. */
  public boolean epmdRunning() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), epmdPort), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Starts this cluster's epmd as a daemon unless it runs: on 127.0.0.1 and its own port, with an
   * environment stripped of {@code stripped} (the variable that marks a member's processes, so that
   * stopping one member never stops the epmd every member registers with).
   */
  public void ensureEpmd(String stripped) throws IOException {
    if (epmdRunning()) {
      return;
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                "epmd",
                "-daemon",
                "-port",
                Integer.toString(epmdPort),
                "-address",
                "127.0.0.1",
                "-relaxed_command_check")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove(stripped);
    try {
      int rc = pb.start().waitFor();
      if (rc != 0) {
        throw new IOException("epmd -daemon on port " + epmdPort + " exited with " + rc);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting epmd", e);
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!epmdRunning()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("epmd did not listen on 127.0.0.1:" + epmdPort + " within 5 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for epmd", e);
      }
    }
  }

  /** Stops this cluster's epmd (once no node runs); nothing when it does not run. */
  public void stopEpmd() throws IOException {
    if (!epmdRunning()) {
      return;
    }
    ProcessBuilder pb =
        new ProcessBuilder("epmd", "-port", Integer.toString(epmdPort), "-kill")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      pb.start().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping epmd", e);
    }
  }
}
