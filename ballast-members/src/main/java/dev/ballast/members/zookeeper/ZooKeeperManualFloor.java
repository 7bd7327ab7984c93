package dev.ballast.members.zookeeper;

import static dev.ballast.members.zookeeper.ZooKeeperServerConfig.CLIENT_PORT;

import dev.ballast.core.port.Member;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor for scaling a local ZooKeeper ensemble 3 → 5 and 5 → 3: the same steps an operator does
 * by hand with ZooKeeper's own tools, with no Ballast engine, journal or verification, timed.
 *
 * <p>Add, for each new server: {@code getConfig} from the ensemble; write its files (that
 * configuration plus itself); start it; poll {@code srvr} every 20 ms until it reports {@code
 * follower}; {@code reconfig -add} it (no version guard). Remove, highest server first: {@code
 * reconfig -remove}; stop the process (SIGTERM) and wait for it to exit. The starting 3-server
 * ensemble is formed before the clock starts, and every process is killed at the end.
 */
public final class ZooKeeperManualFloor {

  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperManualFloor.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STEP_LIMIT = Duration.ofSeconds(90);

  private ZooKeeperManualFloor() {}

  /**
   * Wall times: the whole 3 → 5 and 5 → 3 changes, and each single-member step in order (add 3, add
   * 4, remove 4, remove 3).
   */
  public record Result(Duration threeToFive, Duration fiveToThree, List<Duration> steps) {
    public Result {
      steps = List.copyOf(steps);
    }
  }

  /**
   * Runs the measurement with servers in directories under {@code workDir} (which must be empty or
   * absent) and {@code classPath} holding ZooKeeper; takes about as long as the changes themselves
   * plus forming the first ensemble.
   */
  public static Result measure(Path workDir, String classPath) {
    ZooKeeperServerConfig config = ZooKeeperServerConfig.defaults();
    ZooKeeperFourLetterWords words = new ZooKeeperFourLetterWords(Duration.ofSeconds(2));
    Map<Integer, ZooKeeperServerProcess> running = new TreeMap<>();
    try {
      Files.createDirectories(workDir);
      List<Member> current = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        current.add(ZooKeeperServerProcess.localMember(i));
      }
      for (Member m : current) {
        Path dir = workDir.resolve("member-" + m.ordinal());
        running.put(
            m.ordinal(),
            ZooKeeperServerProcess.start(config, m, dir, config.files(m, dir, current), classPath));
      }
      waitUntil(
          "3 servers serving",
          () -> current.stream().allMatch(m -> mode(words, m).isPresent()),
          Duration.ofMillis(50));

      List<Duration> steps = new ArrayList<>();
      long upStart = System.nanoTime();
      for (int ordinal = 3; ordinal <= 4; ordinal++) {
        long t0 = System.nanoTime();
        Member joining = ZooKeeperServerProcess.localMember(ordinal);
        ZooKeeperDynamicConfig live;
        try (ZooKeeperMembership.Session s = session(current)) {
          live = s.getConfig();
        }
        Path dir = workDir.resolve("member-" + ordinal);
        Map<String, String> files =
            config.files(
                joining,
                dir,
                ZooKeeperServerConfig.launchSettings(
                    live.with(ZooKeeperServerConfig.server(joining))));
        running.put(ordinal, ZooKeeperServerProcess.start(config, joining, dir, files, classPath));
        waitUntil(
            "server " + (ordinal + 1) + " following",
            () -> mode(words, joining).filter("follower"::equals).isPresent(),
            Duration.ofMillis(20));
        try (ZooKeeperMembership.Session s = session(current)) {
          s.reconfigure(ZooKeeperServerConfig.server(joining).line(), null, -1);
        }
        current.add(joining);
        steps.add(Duration.ofNanos(System.nanoTime() - t0));
      }
      Duration up = Duration.ofNanos(System.nanoTime() - upStart);

      long downStart = System.nanoTime();
      for (int ordinal = 4; ordinal >= 3; ordinal--) {
        long t0 = System.nanoTime();
        Member leaving = current.remove(current.size() - 1);
        try (ZooKeeperMembership.Session s = session(current)) {
          s.reconfigure(null, String.valueOf(ZooKeeperServerConfig.serverId(leaving)), -1);
        }
        running.remove(leaving.ordinal()).stop();
        steps.add(Duration.ofNanos(System.nanoTime() - t0));
      }
      Duration down = Duration.ofNanos(System.nanoTime() - downStart);
      LOG.info("floor threeToFive={}ms fiveToThree={}ms", up.toMillis(), down.toMillis());
      return new Result(up, down, steps);
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare " + workDir + ": " + e.getMessage(), e);
    } catch (KeeperException e) {
      throw new IllegalStateException("ZooKeeper refused a reconfiguration: " + e.code(), e);
    } finally {
      running.values().forEach(ZooKeeperServerProcess::close);
    }
  }

  private static ZooKeeperMembership.Session session(List<Member> members) {
    String connect =
        members.stream()
            .map(m -> m.host() + ":" + m.port(CLIENT_PORT))
            .collect(Collectors.joining(","));
    return ZooKeeperMembership.Session.open(connect, REQUEST_TIMEOUT);
  }

  private static Optional<String> mode(ZooKeeperFourLetterWords words, Member m) {
    try {
      return words.srvr(m.host(), m.port(CLIENT_PORT)).mode();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void waitUntil(String what, BooleanSupplier condition, Duration poll) {
    long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up waiting for " + what + " after " + STEP_LIMIT);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  /**
   * Prints the floor: {@code java -cp <class path with ZooKeeper> ...ZooKeeperManualFloor <empty
   * work dir>}; the servers run with this JVM's class path.
   */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: ZooKeeperManualFloor <empty work directory>");
      System.exit(2);
    }
    Result r = measure(Path.of(args[0]), System.getProperty("java.class.path"));
    System.out.printf(
        "zookeeper manual floor: 3->5 %d ms, 5->3 %d ms, steps %s%n",
        r.threeToFive().toMillis(),
        r.fiveToThree().toMillis(),
        r.steps().stream().map(d -> d.toMillis() + " ms").toList());
  }
}
