package dev.ballast.local;

import dev.ballast.core.execute.ExecutionListener;
import dev.ballast.core.execute.Operation;
import dev.ballast.core.execute.Progress;
import dev.ballast.core.execute.ScaleRequest;
import dev.ballast.core.execute.ScaleResponse;
import dev.ballast.core.execute.ScalingController;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.plan.Step;
import dev.ballast.core.plan.StepKind;
import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.Member;
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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the local commands do with a cluster: bring it up at its initial size (or restart the
 * members it has), scale, resume or roll back through the scaling engine (driving its {@code
 * tick()} in the foreground until the operation ends), look at it, and bring it down.
 */
public final class LocalClusterControl {
  private static final Logger LOG = LoggerFactory.getLogger(LocalClusterControl.class);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration STAGE_POLL = Duration.ofMillis(100);

  private final LocalWiring wiring;
  private final LocalProcessRuntime runtime;
  private final Consumer<Progress> ticks;

  public LocalClusterControl(LocalWiring wiring) {
    this(wiring, progress -> {});
  }

  /**
   * A control that also hands every {@code tick()} result of {@link #scale}, {@link #resume} and
   * {@link #rollback} to {@code ticks} (the stage in flight and since when), for a live status
   * line.
   */
  public LocalClusterControl(LocalWiring wiring, Consumer<Progress> ticks) {
    this.wiring = wiring;
    this.runtime = wiring.runtime();
    this.ticks = Objects.requireNonNull(ticks, "ticks");
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
    Optional<Operation> inFlight = interrupted();
    List<Member> serving = members;
    if (inFlight.isPresent()) {
      // Members other than the one the interrupted step touches are voting members; that one
      // runs only between its start and its leave. 'ballast resume' does the rest.
      Step step = inFlight.get().currentStep();
      boolean touchedRuns = shouldRun(step, inFlight.get().stage());
      serving = members.stream().filter(m -> m.ordinal() < step.ordinal()).toList();
      members = members.stream().filter(m -> m.ordinal() != step.ordinal() || touchedRuns).toList();
      progress.accept(
          "operation "
              + describe(inFlight.get())
              + " is in flight: starting members "
              + members.stream().map(Member::ordinal).toList()
              + "; run 'ballast resume' to finish it");
    }
    Map<String, String> settings = wiring.initialSettings(members);
    for (Member m : members) {
      if (runtime.isRunning(m.ordinal())) {
        continue;
      }
      boolean announced =
          inFlight.isPresent()
              && inFlight.get().currentStep().ordinal() == m.ordinal()
              && !inFlight.get().launchSettings().isEmpty();
      runtime.start(m, announced ? inFlight.get().launchSettings() : settings);
      progress.accept(
          "started member "
              + m.ordinal()
              + " (pid "
              + runtime.process(m.ordinal()).map(p -> Long.toString(p.pid())).orElse("?")
              + ", ports "
              + m.ports()
              + ")");
    }
    if (inFlight.isEmpty()) {
      try {
        wiring.form(members);
      } catch (RuntimeException e) {
        throw ClusterOperationException.failed(
            "cannot form the cluster: "
                + e.getMessage()
                + "; members keep running, see their logs under "
                + runtime.stateDir().resolve("members"));
      }
    }
    awaitHealthy(inFlight.isPresent() ? serving : members, inFlight.isEmpty(), timeout);
    return status();
  }

  /** Whether the member a step touches has a process at {@code stage} (started, not stopped). */
  static boolean shouldRun(Step step, Stage stage) {
    List<Stage> stages = step.kind().stages();
    if (stage == Stage.CANCEL_DRAIN) {
      return true;
    }
    if (step.kind() == StepKind.ADD) {
      return stages.indexOf(stage) > stages.indexOf(Stage.START);
    }
    return stages.indexOf(stage) <= stages.indexOf(Stage.LEAVE);
  }

  /**
   * Waits until {@code members} are healthy and voting ({@code exact}: and no other member votes),
   * failing fast when one of their processes exits.
   */
  private void awaitHealthy(List<Member> members, boolean exact, Duration timeout)
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
      boolean voting =
          exact
              ? view.votingMembers().equals(expected)
              : view.votingMembers().containsAll(expected);
      if (view.healthy() && voting) {
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
        interrupted().orElse(null));
  }

  /**
   * Scales the cluster to {@code replicas} through the engine, one member at a time, reporting
   * every event to {@code listener}, and returns once the operation ended and the result was
   * verified. An operation interrupted earlier with the same target is resumed; one with another
   * target is refused (resume or finish it first). Refusals of the policy are thrown as refused.
   */
  public ScaleResult scale(int replicas, ExecutionListener listener)
      throws ClusterOperationException {
    ScalingController controller = controller(listener);
    Optional<Operation> interrupted = controller.resume();
    if (interrupted.isPresent()) {
      Operation op = interrupted.get();
      if (op.to() != replicas) {
        throw ClusterOperationException.refused(
            "another operation is in progress: "
                + describe(op)
                + "; run 'ballast resume' to finish it first");
      }
      return finish(controller, drive(controller, ticks));
    }
    ScaleResponse response = controller.request(ScaleRequest.manual(replicas));
    return respond(controller, response);
  }

  /** Continues the interrupted operation, if any; returns null when there was none. */
  public ScaleResult resume(ExecutionListener listener) throws ClusterOperationException {
    ScalingController controller = controller(listener);
    if (controller.resume().isEmpty()) {
      return null;
    }
    return finish(controller, drive(controller, ticks));
  }

  /** The operation the journal holds, if one was interrupted. */
  public Optional<Operation> interrupted() {
    return wiring.operations().load().filter(op -> !op.finished());
  }

  /**
   * Goes back to the size before the last completed operation, through the same safe path as any
   * scale request; refused when an operation is in flight or none has completed.
   */
  public ScaleResult rollback(ExecutionListener listener) throws ClusterOperationException {
    ScalingController controller = controller(listener);
    Optional<Operation> interrupted = controller.resume();
    if (interrupted.isPresent()) {
      throw ClusterOperationException.refused(
          "another operation is in progress: "
              + describe(interrupted.get())
              + "; run 'ballast resume' to finish it first");
    }
    return respond(controller, controller.rollback());
  }

  private ScalingController controller(ExecutionListener listener) {
    requireExclusive();
    return wiring.controller(listener);
  }

  private ScaleResult respond(ScalingController controller, ScaleResponse response)
      throws ClusterOperationException {
    if (response instanceof ScaleResponse.Refused refused) {
      throw ClusterOperationException.refused(refused.refusal().message());
    }
    if (response instanceof ScaleResponse.Unchanged unchanged) {
      ClusterStatus status = status();
      boolean verified = status.healthy() && status.replicas() == unchanged.replicas();
      return new ScaleResult(null, null, unchanged.message(), status, verified);
    }
    return finish(controller, drive(controller, ticks));
  }

  /** Ticks the engine until the operation ends; returns it as it ended. */
  private static Operation drive(ScalingController controller, Consumer<Progress> ticks) {
    Operation last = controller.inFlight().orElse(null);
    while (true) {
      Progress p = controller.tick();
      ticks.accept(p);
      if (p.operation().isPresent()) {
        last = p.operation().get();
      }
      if (p.finished() || p.isIdle()) {
        return last;
      }
      if (!p.advanced()) {
        // Local checks are cheap: poll a waiting stage more often than the engine's default so
        // that a ready member is noticed within a tenth of a second.
        Duration wait = p.nextTick();
        sleep(wait.isZero() || wait.compareTo(STAGE_POLL) > 0 ? STAGE_POLL : wait);
      }
    }
  }

  private ScaleResult finish(ScalingController controller, Operation ended) {
    ClusterStatus status = status();
    if (ended == null) {
      return new ScaleResult(null, null, "no operation ran", status, status.healthy());
    }
    boolean verified =
        ended.outcome() == Outcome.SUCCEEDED
            && status.healthy()
            && status.replicas() == ended.to()
            && status.members().size() == ended.to();
    String message = ended.message() == null ? ended.outcome().name() : ended.message();
    if (ended.outcome() == Outcome.SUCCEEDED && !verified) {
      message +=
          "; but the cluster does not verify now: "
              + status.replicas()
              + " voting members, "
              + (status.healthy() ? "healthy" : "not healthy (" + status.detail() + ")");
    }
    return new ScaleResult(ended, ended.outcome(), message, status, verified);
  }

  /** "op-1 (3→5, manual) at member 4 (add 2/2) at JOIN". */
  public static String describe(Operation op) {
    return op.id()
        + " ("
        + op.from()
        + " to "
        + op.to()
        + ", "
        + op.trigger().name().toLowerCase(java.util.Locale.ROOT)
        + ") at "
        + op.position();
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
