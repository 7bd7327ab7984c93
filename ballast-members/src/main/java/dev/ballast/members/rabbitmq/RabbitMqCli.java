package dev.ballast.members.rabbitmq;

import dev.ballast.core.port.MembershipException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs RabbitMQ's own command-line tools ({@code rabbitmqctl}, {@code rabbitmq-queues}, {@code
 * rabbitmq-diagnostics}) against one node of a cluster, each run bounded by a timeout.
 */
final class RabbitMqCli {

  /** What one run printed and how it exited. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }

    /** The first non-blank line of the output, for messages. */
    String firstLine() {
      return output.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
    }
  }

  private final RabbitMqNodes nodes;
  private final Duration timeout;

  RabbitMqCli(RabbitMqNodes nodes, Duration timeout) {
    this.nodes = nodes;
    this.timeout = timeout;
  }

  /** Runs {@code tool args} against {@code node} and waits for it (at most the timeout). */
  Result run(String tool, String node, String... args) {
    long t0 = System.nanoTime();
    try {
      return runTimed(tool, node, args);
    } finally {
      org.slf4j.LoggerFactory.getLogger(RabbitMqCli.class)
          .debug(
              "cli-run tool={} command={} node={} took_ms={}",
              tool,
              args.length == 0 ? "" : args[0],
              node,
              (System.nanoTime() - t0) / 1_000_000);
    }
  }

  private Result runTimed(String tool, String node, String... args) {
    Process p = start(tool, node, List.of(args), false);
    // A watchdog ends a run that outlives the timeout, which closes its output and ends the read.
    Thread watchdog =
        new Thread(
            () -> {
              try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                  p.descendants().forEach(ProcessHandle::destroyForcibly);
                  p.destroyForcibly();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "rabbitmq-cli-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try (InputStream in = p.getInputStream()) {
      byte[] out = in.readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || watchdogKilled(p)) {
        p.destroyForcibly();
        throw new MembershipException(
            tool + " " + String.join(" ", args) + " on " + node + ": no answer within " + timeout);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new MembershipException("cannot run " + tool + " on " + node + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new MembershipException("interrupted while running " + tool + " on " + node, e);
    } finally {
      watchdog.interrupt();
    }
  }

  /** A process ended by SIGKILL (137) was ended by the watchdog: no answer in time. */
  private static boolean watchdogKilled(Process p) {
    return p.exitValue() == 137;
  }

  /** Starts {@code tool args} against {@code node} without waiting; its output is discarded. */
  Process startDetached(String tool, String node, String... args) {
    return start(tool, node, List.of(args), true);
  }

  private Process start(String tool, String node, List<String> args, boolean discard) {
    ProcessBuilder pb = new ProcessBuilder(nodes.cli(tool, node, args)).redirectErrorStream(true);
    if (discard) {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    pb.environment().putAll(nodes.cliEnvironment());
    pb.directory(nodes.home().toFile());
    try {
      return pb.start();
    } catch (IOException e) {
      throw new MembershipException(
          "cannot run " + nodes.scripts().resolve(tool) + " (is rabbitmq-server installed?): " + e,
          e);
    }
  }
}
