package dev.ballast.local.bench;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.local.runtime.RedisLauncher;
import dev.ballast.members.redis.RedisServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The floor for scaling a local Redis Cluster (masters only) 3 → 5 and 5 → 3: the steps an operator
 * does by hand with Redis' own tool, {@code redis-cli --cluster}, with no Ballast engine, journal
 * or verification, timed. Processes are started and stopped by the same local runtime Ballast uses.
 *
 * <p>Add, for each new master: start it; {@code --cluster add-node}; wait until {@code --cluster
 * check} agrees and every node lists it ({@code CLUSTER NODES}); {@code --cluster rebalance
 * --cluster-use-empty-masters}. Remove, highest first: {@code --cluster rebalance --cluster-weight
 * ID=0} (moves all its slots away), {@code --cluster del-node} (forgets it everywhere and shuts it
 * down). The 3-master cluster ({@code --cluster create}) is formed before the clock starts.
 */
public final class RedisManualFloor {
  private static final Duration STEP_LIMIT = Duration.ofSeconds(90);

  private RedisManualFloor() {}

  /**
   * Measures with members under {@code workDir} run from {@code binary}, {@code redis-cli} beside
   * it.
   */
  public static ScaleBench.Floor measure(Path workDir, Path binary) {
    Path cli = binary.resolveSibling("redis-cli");
    LocalProcessRuntime runtime =
        new LocalProcessRuntime(
            workDir,
            "127.0.0.1",
            RedisServerConfig.PORTS,
            new RedisLauncher(binary),
            Clock.systemUTC(),
            Duration.ofSeconds(10));
    try {
      List<Member> current = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        current.add(runtime.prepare(i));
      }
      for (Member m : current) {
        runtime.start(m, Map.of());
        EtcdManualFloor.waitUntil("member " + m.ordinal() + " answers", () -> answers(cli, m));
      }
      List<String> create = new ArrayList<>(List.of("--cluster", "create"));
      current.forEach(m -> create.add(address(m)));
      create.add("--cluster-yes");
      cli(cli, create);
      Member first = current.get(0);
      EtcdManualFloor.waitUntil("3 masters agree", () -> agrees(cli, first));

      long upStart = System.nanoTime();
      for (int ordinal = 3; ordinal <= 4; ordinal++) {
        Member joining = runtime.prepare(ordinal);
        runtime.start(joining, Map.of());
        EtcdManualFloor.waitUntil("member " + ordinal + " answers", () -> answers(cli, joining));
        cli(cli, List.of("--cluster", "add-node", address(joining), address(first)));
        String id = cli(cli, List.of("-h", "127.0.0.1", "-p", port(joining), "cluster", "myid"));
        List<Member> all = new ArrayList<>(current);
        all.add(joining);
        // --cluster check may agree before every node lists the new one; rebalance then fails
        // with "I don't know about node": wait as an operator would, for every node to list it.
        EtcdManualFloor.waitUntil(
            "every node knows member " + ordinal,
            () -> agrees(cli, first) && all.stream().allMatch(m -> lists(cli, m, id)));
        cli(cli, List.of("--cluster", "rebalance", address(first), "--cluster-use-empty-masters"));
        current.add(joining);
      }
      Duration up = Duration.ofNanos(System.nanoTime() - upStart);

      long downStart = System.nanoTime();
      for (int ordinal = 4; ordinal >= 3; ordinal--) {
        Member leaving = current.remove(current.size() - 1);
        String id = cli(cli, List.of("-h", "127.0.0.1", "-p", port(leaving), "cluster", "myid"));
        EtcdManualFloor.waitUntil("the masters agree", () -> agrees(cli, first));
        cli(cli, List.of("--cluster", "rebalance", address(first), "--cluster-weight", id + "=0"));
        cli(cli, List.of("--cluster", "del-node", address(first), id));
        runtime.stop(ordinal);
      }
      Duration down = Duration.ofNanos(System.nanoTime() - downStart);
      return new ScaleBench.Floor(up, down);
    } finally {
      runtime.stopAll();
      for (Member m : runtime.members()) {
        runtime.cleanup(m.ordinal(), DataPolicy.DELETE);
      }
    }
  }

  private static boolean answers(Path cli, Member m) {
    return run(cli, List.of("-h", "127.0.0.1", "-p", port(m), "ping")).output().contains("PONG");
  }

  /** Whether {@code m}'s {@code CLUSTER NODES} lists {@code id}, its handshake done. */
  private static boolean lists(Path cli, Member m, String id) {
    return run(cli, List.of("-h", "127.0.0.1", "-p", port(m), "cluster", "nodes"))
        .output()
        .lines()
        .anyMatch(l -> l.startsWith(id) && !l.contains("handshake") && !l.contains("noaddr"));
  }

  private static boolean agrees(Path cli, Member m) {
    Outcome check = run(cli, List.of("--cluster", "check", address(m)));
    return check.exit() == 0
        && check.output().contains("All nodes agree about slots configuration")
        && check.output().contains("All 16384 slots covered");
  }

  private static String address(Member m) {
    return m.host() + ":" + port(m);
  }

  private static String port(Member m) {
    return Integer.toString(m.port(RedisServerConfig.CLIENT_PORT));
  }

  /** Runs redis-cli; its output, trimmed; a failure is thrown with that output. */
  private static String cli(Path cli, List<String> args) {
    Outcome out = run(cli, args);
    if (out.exit() != 0 || out.output().contains("[ERR]")) {
      throw new IllegalStateException(
          "redis-cli " + String.join(" ", args) + " failed: " + out.output());
    }
    return out.output().trim();
  }

  private record Outcome(int exit, String output) {}

  private static Outcome run(Path cli, List<String> args) {
    List<String> argv = new ArrayList<>();
    argv.add(Files.isExecutable(cli) ? cli.toString() : "redis-cli");
    argv.addAll(args);
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(STEP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("redis-cli " + args + " did not end");
      }
      return new Outcome(p.exitValue(), output);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run redis-cli: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running redis-cli", e);
    }
  }
}
