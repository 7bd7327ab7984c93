package dev.ballast.members.rabbitmq;

import dev.ballast.core.port.MembershipException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers questions about a RabbitMQ cluster (cluster status, quorum queue replicas, whether a node
 * is booted) and forgets a stopped node, through one hidden Erlang node that stays up while the
 * membership is in use, instead of booting a CLI tool's Erlang VM (about 1-3 s on a loaded host)
 * per question. The hidden node ({@code control.erl.txt}) runs each question on the asked node
 * itself with the functions RabbitMQ's own CLI tools call there ({@code rabbit_mnesia:status/0},
 * {@code rabbit:alarms/0}, {@code rabbit:is_booted/1}, {@code rabbit_amqqueue:info/2}; the two
 * calls of {@code rabbitmqctl forget_cluster_node}: {@code rabbit_mnesia:forget_cluster_node/2},
 * then {@code rabbit_quorum_queue:shrink_all/1}), so every answer is the node's own view at the
 * time of the question: nothing is cached. It joins with the cluster's cookie and epmd, as {@code
 * rabbitmqctl} does, and halts when its input closes (this process ended or closed it).
 */
final class RabbitMqControl implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitMqControl.class);
  private static final String PROGRAM = loadProgram();
  private static final String EOF = "\u0000eof";

  private final RabbitMqNodes nodes;
  private final Duration timeout;
  private Process process;
  private OutputStream input;
  private BlockingQueue<String> replies;
  private long nextId;
  private int calls;

  RabbitMqControl(RabbitMqNodes nodes, Duration timeout) {
    this.nodes = nodes;
    this.timeout = timeout;
  }

  /**
   * The JSON answer of {@code node} to {@code query} ({@code status}, {@code queues}, {@code
   * booted}, or {@code forget} with the node to forget as {@code argument}); throws with the node's
   * reason when it cannot answer (down, not booted, refused, timeout).
   */
  synchronized String ask(String query, String node, String... argument) {
    long started = System.nanoTime();
    ensureStarted();
    long id = ++nextId;
    calls++;
    try {
      input.write(
          (id
                  + " "
                  + query
                  + " "
                  + node
                  + " "
                  + timeout.toMillis()
                  + (argument.length == 0 ? "" : " " + String.join(" ", argument))
                  + "\n")
              .getBytes(StandardCharsets.UTF_8));
      input.flush();
      long deadline = System.nanoTime() + timeout.plusSeconds(5).toNanos();
      while (true) {
        String line = replies.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null) {
          stop();
          throw new MembershipException(
              query + " on " + node + ": no answer from the control node within " + timeout);
        }
        if (line == EOF) {
          stop();
          throw new MembershipException(
              query + " on " + node + ": the control node (erl) ended; see the log");
        }
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].equals(Long.toString(id))) {
          continue; // an answer to an earlier question that timed out, or stray output
        }
        String rest = parts.length == 3 ? parts[2] : "";
        if (parts[1].equals("ok")) {
          return rest;
        }
        throw new MembershipException(query + " on " + node + ": " + rest);
      }
    } catch (IOException e) {
      stop();
      throw new MembershipException("cannot ask the control node " + query + " of " + node, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MembershipException("interrupted while asking " + node + " " + query, e);
    } finally {
      LOG.debug(
          "control query={} node={} took_ms={}",
          query,
          node,
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  /** How many questions this control node was asked (for the log). */
  synchronized int calls() {
    return calls;
  }

  private void ensureStarted() {
    if (process != null && process.isAlive()) {
      return;
    }
    if (!nodes.epmdRunning()) {
      throw new MembershipException(
          "no node of the cluster runs: its epmd on 127.0.0.1:"
              + nodes.epmdPort()
              + " does not answer");
    }
    List<String> argv = new ArrayList<>();
    argv.add("erl");
    argv.add("-noshell");
    argv.add("-hidden");
    argv.add("-sname");
    argv.add("ballast-control-" + ProcessHandle.current().pid() + "-" + suffix() + "@localhost");
    argv.addAll(List.of(RabbitMqNodes.ERL_ARGS.split(" ")));
    argv.add("-eval");
    argv.add(PROGRAM);
    ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(nodes.cliEnvironment());
    pb.directory(nodes.home().toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new MembershipException(
          "cannot start the control node (erl, installed with rabbitmq-server): " + e, e);
    }
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> read(p.getInputStream(), queue), "rabbitmq-control-reader");
    reader.setDaemon(true);
    reader.start();
    process = p;
    input = p.getOutputStream();
    replies = queue;
    LOG.info("action=control-node-started pid={}", p.pid());
  }

  private static void read(InputStream in, BlockingQueue<String> queue) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        queue.add(line);
      }
    } catch (IOException e) {
      LOG.debug("control node output closed: {}", e.toString());
    } finally {
      queue.add(EOF);
    }
  }

  private static String suffix() {
    SecureRandom random = new SecureRandom();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      s.append((char) ('a' + random.nextInt(26)));
    }
    return s.toString();
  }

  private void stop() {
    Process p = process;
    process = null;
    if (p == null) {
      return;
    }
    try {
      p.getOutputStream().close(); // the control node halts when its input closes
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      p.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  /** Stops the control node. */
  @Override
  public synchronized void close() {
    if (process != null) {
      LOG.info("action=control-node-stopped questions={}", calls);
    }
    stop();
  }

  private static String loadProgram() {
    try (InputStream in = RabbitMqControl.class.getResourceAsStream("control.erl.txt")) {
      if (in == null) {
        throw new IllegalStateException("control.erl.txt is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.startsWith("%%"))
          .collect(Collectors.joining("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
