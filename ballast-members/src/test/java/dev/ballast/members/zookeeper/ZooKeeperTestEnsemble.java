package dev.ballast.members.zookeeper;

import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.Member;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real ZooKeeper servers for integration tests: {@code QuorumPeerMain} JVMs started from the test
 * class path on free 127.0.0.1 ports, each in its own directory under a temporary root. {@link
 * #close} kills every process it started, and a shutdown hook does the same if the test JVM exits
 * first.
 */
final class ZooKeeperTestEnsemble implements AutoCloseable {

  private final Path root;
  private final ZooKeeperServerConfig config;
  private final Map<Integer, ZooKeeperServerProcess> processes = new TreeMap<>();
  private final Map<Integer, Member> members = new TreeMap<>();
  private final Thread shutdownHook = new Thread(this::killAll, "zk-test-ensemble-cleanup");

  ZooKeeperTestEnsemble(Path root) {
    this(root, ZooKeeperServerConfig.defaults());
  }

  ZooKeeperTestEnsemble(Path root, ZooKeeperServerConfig config) {
    this.root = root;
    this.config = config;
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts {@code size} servers (ordinals 0..size-1) as a new ensemble and waits for a leader. */
  List<Member> form(int size) {
    List<Member> initial = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      initial.add(reserve(i));
    }
    for (Member m : initial) {
      startWithFiles(m, config.files(m, dirOf(m), initial));
    }
    ZooKeeperFourLetterWords words = new ZooKeeperFourLetterWords(Duration.ofSeconds(2));
    await("ensemble of " + size + " serving")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> initial.stream().allMatch(m -> serving(words, m)));
    return List.copyOf(initial);
  }

  /** Reserves fresh ports and a fresh, empty directory for {@code ordinal}. */
  Member reserve(int ordinal) {
    Member m = ZooKeeperServerProcess.localMember(ordinal);
    members.put(ordinal, m);
    return m;
  }

  /** Starts the member with the launch settings its announcement returned. */
  void start(Member m, Map<String, String> launchSettings) {
    startWithFiles(m, config.files(m, dirOf(m), launchSettings));
  }

  private void startWithFiles(Member m, Map<String, String> files) {
    if (processes.containsKey(m.ordinal()) && processes.get(m.ordinal()).isAlive()) {
      throw new IllegalStateException("member " + m.ordinal() + " is already running");
    }
    processes.put(
        m.ordinal(),
        ZooKeeperServerProcess.start(
            config, m, dirOf(m), files, System.getProperty("java.class.path")));
  }

  private Path dirOf(Member m) {
    // A member's directory is keyed by its client port, so a re-reserved ordinal starts empty.
    return root.resolve("member-" + m.ordinal() + "-" + m.port("client"));
  }

  boolean isRunning(int ordinal) {
    ZooKeeperServerProcess p = processes.get(ordinal);
    return p != null && p.isAlive();
  }

  /** Stops the member gracefully and deletes its data, as a remove step's cleanup does. */
  void stopAndDelete(int ordinal) {
    stop(ordinal);
    deleteData(ordinal);
  }

  /** Stops the member gracefully (SIGTERM), keeping its directory. */
  void stop(int ordinal) {
    ZooKeeperServerProcess p = processes.get(ordinal);
    if (p != null) {
      p.stop();
    }
  }

  /** Stops the member gracefully and starts it again with the files ZooKeeper left. */
  void restart(int ordinal) {
    stop(ordinal);
    startWithFiles(members.get(ordinal), Map.of());
  }

  /** Deletes a stopped member's directory and releases its reservation. */
  void deleteData(int ordinal) {
    ZooKeeperServerProcess p = processes.remove(ordinal);
    Member m = members.remove(ordinal);
    if (p != null && p.isAlive()) {
      throw new IllegalStateException("member " + ordinal + " is still running");
    }
    if (m != null) {
      deleteTree(dirOf(m));
    }
  }

  /** The reserved members, in ordinal order. */
  List<Member> members() {
    return List.copyOf(members.values());
  }

  /** Kills the member (SIGKILL), leaving its directory for inspection. */
  void kill(int ordinal) {
    ZooKeeperServerProcess p = processes.get(ordinal);
    if (p != null) {
      p.kill();
    }
  }

  /** The last lines of a member's server log, for failure messages. */
  String logTail(int ordinal, int lines) {
    ZooKeeperServerProcess p = processes.get(ordinal);
    if (p == null) {
      return "(no process for member " + ordinal + ")";
    }
    try {
      List<String> all = Files.readAllLines(p.serverDir().resolve(ZooKeeperServerProcess.LOG_FILE));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Client connect string of these members. */
  static String connectString(List<Member> members) {
    return members.stream()
        .map(m -> m.host() + ":" + m.port("client"))
        .collect(Collectors.joining(","));
  }

  private static boolean serving(ZooKeeperFourLetterWords words, Member m) {
    try {
      return words.srvr(m.host(), m.port("client")).serving();
    } catch (IOException e) {
      return false;
    }
  }

  private synchronized void killAll() {
    processes.values().forEach(ZooKeeperServerProcess::close);
  }

  @Override
  public void close() {
    killAll();
    processes.clear();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook runs anyway.
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(ZooKeeperTestEnsemble::deleteQuietly);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
