package dev.ballast.local;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.Member;
import dev.ballast.local.config.MembershipType;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.local.runtime.ProcessIdentity;
import dev.ballast.members.zookeeper.ZooKeeperServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of a local cluster outside of scaling: bring it up at its initial size (or restart
 * the members it has), look at it, and bring it down. Scaling goes through the executor.
 */
public final class LocalClusterControl {
  private static final Logger LOG = LoggerFactory.getLogger(LocalClusterControl.class);
  private static final Duration POLL = Duration.ofMillis(250);

  private final LocalWiring wiring;
  private final LocalProcessRuntime runtime;

  public LocalClusterControl(LocalWiring wiring) {
    this.wiring = wiring;
    this.runtime = wiring.runtime();
  }

  /**
   * Starts the cluster: a new cluster gets {@code spec.replicas} members; an existing one (stopped
   * by {@code down}, or with members that died) gets the members of its member table restarted.
   * Returns once the membership adapter reports every member healthy and voting, or fails after
   * {@code timeout} naming the member and its log.
   */
  public ClusterStatus up(Duration timeout, Consumer<String> progress)
      throws ClusterOperationException {
    requireExclusive();
    List<Member> members = runtime.members();
    if (members.isEmpty()) {
      List<Member> prepared = new ArrayList<>();
      for (int ordinal = 0; ordinal < wiring.cluster().replicas(); ordinal++) {
        prepared.add(runtime.prepare(ordinal));
      }
      members = prepared;
      progress.accept(
          "creating cluster "
              + wiring.cluster().name()
              + " with "
              + members.size()
              + " members in "
              + wiring.cluster().stateDir());
    }
    Map<String, String> settings =
        wiring.cluster().membership() == MembershipType.ZOOKEEPER
            ? ZooKeeperServerConfig.launchSettings(ZooKeeperServerConfig.dynamicConfig(members))
            : Map.of();
    for (Member m : members) {
      if (runtime.isRunning(m.ordinal())) {
        continue;
      }
      runtime.start(m, settings);
      progress.accept(
          "started member "
              + m.ordinal()
              + " (pid "
              + runtime.process(m.ordinal()).map(p -> Long.toString(p.pid())).orElse("?")
              + ", ports "
              + m.ports()
              + ")");
    }
    awaitHealthy(members, timeout);
    return status();
  }

  private void awaitHealthy(List<Member> members, Duration timeout)
      throws ClusterOperationException {
    Set<Integer> expected =
        members.stream().map(Member::ordinal).collect(Collectors.toCollection(TreeSet::new));
    long deadline = System.nanoTime() + timeout.toNanos();
    ClusterView view = null;
    while (System.nanoTime() < deadline) {
      for (Member m : members) {
        if (!runtime.isRunning(m.ordinal())) {
          throw ClusterOperationException.failed(
              "member "
                  + m.ordinal()
                  + " exited while starting ("
                  + lastLogLine(runtime.logFile(m.ordinal()))
                  + "); see its log "
                  + runtime.logFile(m.ordinal()));
        }
      }
      view = wiring.membership().view(members);
      if (view.healthy() && view.votingMembers().equals(expected)) {
        return;
      }
      sleep(POLL);
    }
    throw ClusterOperationException.failed(
        "cluster not healthy after "
            + timeout.toSeconds()
            + "s ("
            + (view == null ? "no answer" : view.detail())
            + "); members keep running, see their logs under "
            + runtime.stateDir().resolve("members"));
  }

  /** The cluster now, as the member table, the processes and the membership adapter tell it. */
  public ClusterStatus status() {
    List<Member> members = runtime.members();
    ClusterView view =
        members.isEmpty()
            ? new ClusterView(Set.of(), Optional.empty(), true, List.of(), "no members")
            : wiring.membership().view(members);
    List<ClusterStatus.MemberState> states = new ArrayList<>();
    for (Member m : members) {
      Optional<ProcessIdentity> process = runtime.process(m.ordinal());
      Optional<ClusterView.MemberStatus> reported =
          view.members().stream().filter(s -> s.ordinal() == m.ordinal()).findFirst();
      String role =
          process.isEmpty() ? "stopped" : reported.map(ClusterView.MemberStatus::role).orElse("?");
      states.add(
          new ClusterStatus.MemberState(
              m.ordinal(),
              m.host(),
              clientPort(m),
              m.ports(),
              process.map(ProcessIdentity::pid).orElse(null),
              process.isPresent(),
              view.votingMembers().contains(m.ordinal()),
              role,
              process.isPresent() && reported.map(ClusterView.MemberStatus::healthy).orElse(false),
              reported.map(ClusterView.MemberStatus::detail).orElse("")));
    }
    int replicas = view.votingMembers().isEmpty() ? members.size() : view.votingMembers().size();
    return new ClusterStatus(
        wiring.cluster().name(),
        replicas,
        states,
        view.leader().orElse(null),
        !members.isEmpty() && view.healthy(),
        view.consistent(),
        view.detail(),
        null);
  }

  /**
   * Stops every member (SIGTERM, then SIGKILL after the grace period) and any stray process of the
   * cluster; with {@code purge} also deletes the state directory (data, logs, journal, history).
   * Returns the ordinals that were running.
   */
  public List<Integer> down(boolean purge) {
    requireExclusive();
    List<Integer> stopped =
        runtime.members().stream().map(Member::ordinal).filter(runtime::isRunning).toList();
    runtime.stopAll();
    if (purge) {
      deleteStateDir(runtime.stateDir());
    }
    LOG.info("cluster={} action=down purge={} stopped={}", wiring.cluster().name(), purge, stopped);
    return stopped;
  }

  /** The last non-blank line of a member's log, to say why it exited. */
  static String lastLogLine(Path log) {
    try (Stream<String> lines = Files.lines(log)) {
      return lines
          .filter(l -> !l.isBlank())
          .reduce((a, b) -> b)
          .map(String::strip)
          .orElse("no output");
    } catch (IOException | UncheckedIOException e) {
      return "no log";
    }
  }

  private static Integer clientPort(Member m) {
    Integer client = m.ports().get(ZooKeeperServerConfig.CLIENT_PORT);
    if (client != null) {
      return client;
    }
    return m.ports().values().stream().findFirst().orElse(null);
  }

  private static void deleteStateDir(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the state directory " + dir, e);
    }
  }

  private void requireExclusive() {
    if (!wiring.isExclusive()) {
      throw new IllegalStateException("this operation needs the cluster lock");
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
