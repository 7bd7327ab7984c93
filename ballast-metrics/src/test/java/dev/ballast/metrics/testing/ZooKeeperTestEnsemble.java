package dev.ballast.metrics.testing;

import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.Member;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Test helper: a real ZooKeeper ensemble of 1 to 7 members, each a child JVM ({@code
 * QuorumPeerMain}, small heap) on free 127.0.0.1 ports, with {@code mntr}, {@code ruok} and {@code
 * srvr} allowed. {@link #close()} kills every process it started. Needs the ZooKeeper jar on the
 * test class path.
 */
public final class ZooKeeperTestEnsemble implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(45);

  private final Path dir;
  private final List<Node> nodes;
  private final Process[] processes;

  private final Thread killOnExit = new Thread(this::killAll, "zookeeper-test-ensemble-cleanup");

  private ZooKeeperTestEnsemble(Path dir, List<Node> nodes) {
    this.dir = dir;
    this.nodes = nodes;
    this.processes = new Process[nodes.size()];
    // Should the test JVM end without close() (a crash, a kill), its servers must not outlive it.
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** Starts {@code size} members under {@code dir} and waits until each serves clients. */
  public static ZooKeeperTestEnsemble start(int size, Path dir) {
    if (size < 1 || size > 7) {
      throw new IllegalArgumentException("size must be 1..7, was " + size);
    }
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      nodes.add(new Node(i, freePort(), freePort(), freePort()));
    }
    ZooKeeperTestEnsemble ensemble = new ZooKeeperTestEnsemble(dir, nodes);
    try {
      for (Node n : nodes) {
        ensemble.launch(n);
      }
      for (Node n : nodes) {
        ensemble.awaitServing(n.ordinal());
      }
      return ensemble;
    } catch (RuntimeException e) {
      ensemble.close();
      throw e;
    }
  }

  /** {@code 127.0.0.1:p0,127.0.0.1:p1,...} for a ZooKeeper client. */
  public String connectString() {
    return nodes.stream().map(n -> "127.0.0.1:" + n.clientPort()).collect(Collectors.joining(","));
  }

  /** The members as Ballast's ports see them, with the {@code client} port. */
  public List<Member> members() {
    return nodes.stream()
        .map(n -> new Member(n.ordinal(), "127.0.0.1", Map.of("client", n.clientPort())))
        .toList();
  }

  /** The client port of member {@code ordinal}. */
  public int clientPort(int ordinal) {
    return nodes.get(ordinal).clientPort();
  }

  /** The pid of member {@code ordinal}'s process. */
  public long pid(int ordinal) {
    return processes[ordinal].pid();
  }

  /** Kills member {@code ordinal} (SIGKILL) and waits until its process is gone. */
  public void kill(int ordinal) {
    Process p = processes[ordinal];
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts member {@code ordinal} again with its data and waits until it serves clients. */
  public void restart(int ordinal) {
    kill(ordinal);
    launch(nodes.get(ordinal));
    awaitServing(ordinal);
  }

  /** Sends a four-letter command to member {@code ordinal} and returns the reply. */
  public String fourLetterWord(int ordinal, String command) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", clientPort(ordinal)), 2000);
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write(command.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run: nothing left to remove
    }
  }

  private void killAll() {
    for (int i = 0; i < processes.length; i++) {
      kill(i);
    }
  }

  private void launch(Node node) {
    try {
      Path home = Files.createDirectories(dir.resolve("zk" + node.ordinal()));
      Path data = Files.createDirectories(home.resolve("data"));
      Files.writeString(data.resolve("myid"), Integer.toString(node.ordinal() + 1));
      StringBuilder cfg = new StringBuilder();
      cfg.append("tickTime=500\ninitLimit=20\nsyncLimit=10\n")
          .append("dataDir=")
          .append(data.toAbsolutePath())
          .append('\n')
          .append("clientPort=")
          .append(node.clientPort())
          .append("\nclientPortAddress=127.0.0.1\n")
          .append("admin.enableServer=false\n")
          .append("4lw.commands.whitelist=mntr,ruok,srvr,stat\n");
      if (nodes.size() > 1) {
        for (Node n : nodes) {
          cfg.append("server.")
              .append(n.ordinal() + 1)
              .append("=127.0.0.1:")
              .append(n.quorumPort())
              .append(':')
              .append(n.electionPort())
              .append('\n');
        }
      }
      Path cfgFile = home.resolve("zoo.cfg");
      Files.writeString(cfgFile, cfg);
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Path log = home.resolve("server.log");
      processes[node.ordinal()] =
          new ProcessBuilder(
                  java.toString(),
                  "-Xmx128m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-Dzookeeper.admin.enableServer=false",
                  "-Dzookeeper.jmx.log4j.disable=true",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                  cfgFile.toAbsolutePath().toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    }
  }

  private void awaitServing(int ordinal) {
    await("ZooKeeper member " + ordinal + " serving")
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(
            () -> {
              if (!processes[ordinal].isAlive()) {
                throw new IllegalStateException(
                    "ZooKeeper member " + ordinal + " exited: " + logTail(ordinal));
              }
              return fourLetterWord(ordinal, "srvr").contains("Mode: ");
            });
  }

  private String logTail(int ordinal) {
    try {
      String log = Files.readString(dir.resolve("zk" + ordinal).resolve("server.log"));
      return log.length() <= 3000 ? log : log.substring(log.length() - 3000);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Node(int ordinal, int clientPort, int quorumPort, int electionPort) {}
}
