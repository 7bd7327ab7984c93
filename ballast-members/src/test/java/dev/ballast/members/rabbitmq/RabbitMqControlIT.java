package dev.ballast.members.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.MembershipException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control node's protocol against a plain Erlang node (not RabbitMQ, so cheap to start): each
 * question gets its own answer or the node's own reason, and a control node that ended is replaced
 * at the next question. What RabbitMQ answers is proven by the RabbitMQ ITs of ballast-local.
 */
class RabbitMqControlIT {
  @TempDir Path stateDir;

  @Test
  void withoutTheClustersEpmdAQuestionFailsAtOnceNamingItsPort() {
    // given
    RabbitMqNodes nodes = RabbitMqNodes.forCluster(stateDir, RabbitMqNodes.DEFAULT_SCRIPTS);

    // when / then
    try (RabbitMqControl control = new RabbitMqControl(nodes, Duration.ofSeconds(30))) {
      assertThatThrownBy(() -> control.ask("status", "ballast-0@localhost"))
          .isInstanceOf(MembershipException.class)
          .hasMessageContaining("epmd on 127.0.0.1:" + nodes.epmdPort());
    }
  }

  @Test
  void eachQuestionGetsTheAskedNodesOwnAnswerAndAnEndedControlNodeIsReplaced() throws Exception {
    // given a cluster epmd and an Erlang node named like a member, but without RabbitMQ
    RabbitMqNodes nodes = RabbitMqNodes.forCluster(stateDir, RabbitMqNodes.DEFAULT_SCRIPTS);
    nodes.ensureEpmd("NO_SUCH_VARIABLE");
    Process plain = null;
    try (RabbitMqControl control = new RabbitMqControl(nodes, Duration.ofSeconds(30))) {
      ProcessBuilder pb =
          new ProcessBuilder(
                  List.of(
                      "erl",
                      "-noshell",
                      "-sname",
                      "ballast-0@localhost",
                      "-start_epmd",
                      "false",
                      "-kernel",
                      "inet_dist_use_interface",
                      "{127,0,0,1}"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().putAll(nodes.cliEnvironment());
      plain = pb.start();
      awaitRegistered(control);
      int before = control.calls();

      // when / then: the node runs the question and has no RabbitMQ to answer it
      assertThatThrownBy(() -> control.ask("booted", "ballast-0@localhost"))
          .isInstanceOf(MembershipException.class)
          .hasMessageStartingWith("booted on ballast-0@localhost: ")
          .hasMessageContaining("undef");
      // a node that does not run
      assertThatThrownBy(() -> control.ask("status", "ballast-7@localhost"))
          .hasMessage("status on ballast-7@localhost: nodedown");
      assertThatThrownBy(() -> control.ask("drop_everything", "ballast-0@localhost"))
          .hasMessageContaining("unknown query drop_everything");
      // the forget runs on the asked node, with the node to forget as its argument
      assertThatThrownBy(() -> control.ask("forget", "ballast-0@localhost", "ballast-9@localhost"))
          .hasMessageStartingWith("forget on ballast-0@localhost: ")
          .hasMessageContaining("undef")
          .hasMessageContaining("forget_cluster_node");

      // when the control node ends, the next question starts a new one
      control.close();
      assertThatThrownBy(() -> control.ask("status", "ballast-7@localhost"))
          .hasMessage("status on ballast-7@localhost: nodedown");
      assertThat(control.calls() - before).isEqualTo(5);
    } finally {
      if (plain != null) {
        plain.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      nodes.stopEpmd();
    }
  }

  /** Waits (bounded) until the plain node answers at all: "nodedown" until it registered. */
  private static void awaitRegistered(RabbitMqControl control) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        control.ask("booted", "ballast-0@localhost");
        return;
      } catch (MembershipException e) {
        if (!e.getMessage().endsWith("nodedown")) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
