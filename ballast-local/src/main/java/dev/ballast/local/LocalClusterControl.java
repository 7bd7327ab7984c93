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
import dev.ballast.local.config.MembershipType;
import dev.ballast.local.io.StateFileException;
import dev.ballast.local.runtime.KafkaControllerQuorum;
import dev.ballast.local.runtime.LocalProcessRuntime;
import dev.ballast.local.runtime.ProcessIdentity;
import dev.ballast.members.zookeeper.ZooKeeperServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    requireNoStrays();
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
    if (inFlight.isEmpty() && wiring.peers().isPresent()) {
      // Members that read their peers at start need the list before they start; those already
      // running are told by the publish below.
      List<Integer> starting =
          members.stream().map(Member::ordinal).filter(k -> !runtime.isRunning(k)).toList();
      wiring.peers().get().beforeStart(members, starting).forEach(progress);
    }
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
    if (inFlight.isEmpty()
        && (wiring.cluster().membership() == MembershipType.HOOKS
            || wiring.cluster().membership() == MembershipType.RABBITMQ)) {
      // Each member joins the ones before it: hooks tell a registry, RabbitMQ runs join_cluster.
      joinStarted(members, timeout, progress);
    } else if (inFlight.isEmpty()) {
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
    if (inFlight.isEmpty() && wiring.peers().isPresent()) {
      try {
        wiring.peers().get().publish(members).forEach(progress);
      } catch (RuntimeException e) {
        throw ClusterOperationException.failed(e.getMessage());
      }
    }
    return status();
  }

  /**
   * Runs the join hooks of each started member the membership check does not list yet, in ordinal
   * order once it is healthy: the first members of a cluster whose registry is told of each one.
   */
  private void joinStarted(List<Member> members, Duration timeout, Consumer<String> progress)
      throws ClusterOperationException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      List<Member> before = members.subList(0, i);
      Optional<String> notReady = wiring.membership().notReady(m, before);
      while (notReady.isPresent()) {
        if (System.nanoTime() > deadline || !runtime.isRunning(m.ordinal())) {
          throw ClusterOperationException.failed(
              "member " + m.ordinal() + " did not become healthy: " + notReady.get());
        }
        sleep(POLL);
        notReady = wiring.membership().notReady(m, before);
      }
      if (!wiring.membership().view(members).votingMembers().contains(m.ordinal())) {
        try {
          wiring.membership().join(m, before);
        } catch (RuntimeException e) {
          throw ClusterOperationException.failed(e.getMessage());
        }
        progress.accept(
            "joined member " + m.ordinal() + ": " + wiring.membership().takeActionReport());
      }
    }
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

  /**
   * The cluster now, as the member table, the processes and the membership adapter tell it. A state
   * file that cannot be read, or processes of the cluster that the member table does not know, are
   * reported in {@link ClusterStatus#problems()} with what the processes' own markers tell.
   */
  public ClusterStatus status() {
    List<String> problems = new ArrayList<>();
    Operation operation = null;
    try {
      operation = interrupted().orElse(null);
    } catch (StateFileException e) {
      problems.add(e.getMessage());
    }
    List<Member> members;
    try {
      members = runtime.members();
    } catch (StateFileException e) {
      problems.add(e.getMessage());
      return fromMarkers(problems, operation);
    }
    strays(members).ifPresent(problems::add);
    if (members.isEmpty() && !problems.isEmpty()) {
      return fromMarkers(problems, operation);
    }
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
        operation,
        problems);
  }

  /** The members as their processes' markers tell them, when the member table cannot. */
  private ClusterStatus fromMarkers(List<String> problems, Operation operation) {
    List<ClusterStatus.MemberState> states = new ArrayList<>();
    runtime
        .runningByMarker()
        .forEach(
            (ordinal, p) ->
                states.add(
                    new ClusterStatus.MemberState(
                        ordinal,
                        wiring.cluster().member().host(),
                        null,
                        Map.of(),
                        p.pid(),
                        true,
                        false,
                        "unknown",
                        false,
                        "found by its process marker only")));
    return new ClusterStatus(
        wiring.cluster().name(),
        states.size(),
        states,
        null,
        false,
        false,
        "the member table does not describe the running members",
        operation,
        problems);
  }

  /**
   * Why the running processes of the cluster do not match the member table, if they do not:
   * processes (found by their marker) of ordinals the table does not hold, as left by a member
   * table that was deleted or emptied while members ran.
   */
  private Optional<String> strays(List<Member> members) {
    Set<Integer> known = members.stream().map(Member::ordinal).collect(Collectors.toSet());
    Map<Integer, ProcessIdentity> unknown = new java.util.TreeMap<>(runtime.runningByMarker());
    unknown.keySet().removeAll(known);
    if (unknown.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "processes of this cluster run that the member table "
            + runtime.stateDir().resolve("members.json")
            + " does not know ("
            + unknown.entrySet().stream()
                .map(e -> "member " + e.getKey() + " pid " + e.getValue().pid())
                .collect(Collectors.joining(", "))
            + "): the table was deleted or emptied while they ran; stop them with 'ballast down'"
            + " (it finds them by their process marker), then 'ballast up'");
  }

  /** Refuses to change a cluster whose running processes the member table does not know. */
  private void requireNoStrays() throws ClusterOperationException {
    Optional<String> strays = strays(runtime.members());
    if (strays.isPresent()) {
      throw ClusterOperationException.refused(strays.get());
    }
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
    releaseUnjoined(controller);
    ScaleResponse response = controller.request(ScaleRequest.manual(replicas));
    return respond(controller, response);
  }

  /**
   * Releases members a lost journal left half-added (see {@link ScalingController#releaseUnjoined})
   * before a new request plans around them; fails when that release does not succeed.
   */
  private void releaseUnjoined(ScalingController controller) throws ClusterOperationException {
    if (controller.releaseUnjoined().isEmpty()) {
      return;
    }
    Operation released = drive(controller, ticks);
    if (released != null && released.outcome() != Outcome.SUCCEEDED) {
      throw ClusterOperationException.failed(
          "releasing members that never joined failed: "
              + (released.message() == null ? released.outcome() : released.message()));
    }
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
    releaseUnjoined(controller);
    return respond(controller, controller.rollback());
  }

  private ScalingController controller(ExecutionListener listener)
      throws ClusterOperationException {
    requireExclusive();
    requireNoStrays();
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
  private Operation drive(ScalingController controller, Consumer<Progress> ticks) {
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
      if (p.held() && last != null && heldPastTimeout(controller, last)) {
        // A hold before STOP does not end by itself: leave the operation in flight for resume.
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

  private boolean heldPastTimeout(ScalingController controller, Operation op) {
    Duration held = Duration.between(op.stageStartedAt(), wiring.clock().instant());
    return held.compareTo(controller.policy().timeout(op.stage())) >= 0;
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
    String message =
        ended.message() != null
            ? ended.message()
            : ended.finished()
                ? ended.outcome().name()
                : "operation "
                    + describe(ended)
                    + " is held ("
                    + ended.lastError()
                    + "); it stays in flight: once the cluster is healthy, run 'ballast resume'";
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
   * cluster, found by the marker in its environment. Returns the ordinals that were running.
   */
  public List<Integer> down() {
    requireExclusive();
    // The processes' own markers say which run, whatever the member table holds (or if it cannot
    // be read).
    List<Integer> stopped = List.copyOf(runtime.runningByMarker().keySet());
    runtime.stopAll();
    if (wiring.rabbitMq().isPresent()) {
      try {
        // No node of the cluster runs any more: its private epmd goes with them.
        wiring.rabbitMq().get().stopEpmd();
      } catch (IOException e) {
        LOG.warn(
            "cluster={} action=stop-epmd outcome=failed reason=\"{}\"",
            wiring.cluster().name(),
            e.toString());
      }
    }
    // Kafka's controllers go last: a broker's clean shutdown asks them.
    wiring.kafkaControllers().ifPresent(KafkaControllerQuorum::stopAll);
    LOG.info("cluster={} action=down stopped={}", wiring.cluster().name(), stopped);
    return stopped;
  }

  /**
   * Like {@link #down()}, then deletes what Ballast created in the state directory (see {@link
   * StateDirectory#purge}); {@code alsoKnown} names more top-level files the caller wrote there.
   * Refused before anything is stopped or deleted when the directory holds anything else.
   */
  public List<Integer> purge(Set<String> alsoKnown) throws ClusterOperationException {
    requireExclusive();
    Path dir = runtime.stateDir();
    try {
      StateDirectory.requirePurgeable(dir, alsoKnown);
      List<Integer> stopped = down();
      StateDirectory.purge(dir, alsoKnown);
      LOG.info("cluster={} action=purge dir={}", wiring.cluster().name(), dir);
      return stopped;
    } catch (IOException e) {
      throw ClusterOperationException.failed(
          "cannot purge the state directory " + dir + ": " + e.getMessage());
    }
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
