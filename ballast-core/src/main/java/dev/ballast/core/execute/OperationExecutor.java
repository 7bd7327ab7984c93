package dev.ballast.core.execute;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.plan.Step;
import dev.ballast.core.plan.StepKind;
import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.DrainProgress;
import dev.ballast.core.port.HistoryStore;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.OperationStore;
import dev.ballast.core.port.RebalanceProgress;
import dev.ballast.core.port.ReplicaRuntime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journaled stage machine that executes one operation, one stage per {@link #tick()}. Before an
 * action runs, the journal is saved with the stage and its attempt count, so a crash re-runs the
 * (idempotent) action rather than skipping it; after it succeeds, the journal moves to the next
 * stage (in one write that also counts the next action's first attempt, which the next tick then
 * runs without writing again). Polling stages stay in place until their condition holds or their
 * timeout passes. A failed add step is rolled back; a removal is never stopped before the member is
 * proven to have left the voting membership.
 */
public final class OperationExecutor {
  private static final Logger log = LoggerFactory.getLogger(OperationExecutor.class);

  /** How soon a polling stage is worth checking again. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(500);

  private final ScalingPolicy policy;
  private final ReplicaRuntime runtime;
  private final Membership membership;
  private final OperationStore operations;
  private final HistoryStore history;
  private final Clock clock;
  private final ExecutionListener listener;

  private Operation current;
  private boolean loaded;

  /**
   * The journal as {@link #advance} saved it when it moved to an action stage with that stage's
   * first attempt already counted; the next tick runs this attempt without saving again. Compared
   * by identity with {@link #current}: any other write or reload replaces it.
   */
  private Operation savedAttempt;

  /**
   * The remaining members' view the removal guard took before this tick's STOP, which proves the
   * member left as well as a second view would: one round of questions per STOP, not two. Set by
   * {@link #removalHold} and taken (cleared) by {@link #stopOnceLeft} in the same tick.
   */
  private ClusterView stopGuardView;

  public OperationExecutor(
      ScalingPolicy policy,
      ReplicaRuntime runtime,
      Membership membership,
      OperationStore operations,
      HistoryStore history,
      Clock clock,
      ExecutionListener listener) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.membership = Objects.requireNonNull(membership, "membership");
    this.operations = Objects.requireNonNull(operations, "operations");
    this.history = Objects.requireNonNull(history, "history");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** The operation in flight, as the journal holds it (loaded from the store the first time). */
  public Optional<Operation> inFlight() {
    ensureLoaded();
    return Optional.ofNullable(current).filter(op -> !op.finished());
  }

  /**
   * Re-reads the journal from the store (after a restart, or when another process may have written
   * it) and returns the operation to resume. An operation the store holds as ended is completed
   * (recorded once, then cleared) and not returned.
   */
  public Optional<Operation> reload() {
    loaded = false;
    ensureLoaded();
    if (current != null && current.finished()) {
      complete(current);
    }
    return inFlight();
  }

  /** Starts {@code operation}: saves it, then reports it. Fails when one is already in flight. */
  public Operation begin(Operation operation) {
    if (inFlight().isPresent()) {
      throw new IllegalStateException(
          "operation " + current.id() + " is in flight; finish it before starting another");
    }
    save(operation);
    log.info(
        "operation={} trigger={} from={} to={} steps={} action=started",
        operation.id(),
        operation.trigger(),
        operation.from(),
        operation.to(),
        operation.steps().size());
    emit(
        operation,
        EventReason.SCALING_STARTED,
        null,
        null,
        "scaling from "
            + operation.from()
            + " to "
            + operation.to()
            + " members ("
            + operation.trigger().name().toLowerCase(java.util.Locale.ROOT)
            + "), one member at a time");
    return operation;
  }

  /** Replaces the in-flight operation's journal (a retarget or a cancel request). */
  void replace(Operation operation) {
    save(operation);
  }

  /**
   * Advances the in-flight operation by at most one stage. Returns at once when nothing is in
   * flight, when a retry is backing off, or when a polling stage's condition does not hold yet.
   * Failures of the ports are handled (retried, rolled back); a failure of the operation or history
   * store propagates, and the next tick re-runs the interrupted stage.
   */
  public Progress tick() {
    ensureLoaded();
    Operation op = current;
    if (op == null) {
      return Progress.idle();
    }
    if (op.finished()) {
      // A crash hit between saving the end and clearing the journal: finish the bookkeeping.
      complete(op);
      return Progress.advanced(op);
    }
    Instant now = clock.instant();
    Step step = op.currentStep();
    Stage stage = op.stage();

    if (op.cancelRequested()
        && op.phase() == Phase.FORWARD
        && step.kind() == StepKind.REMOVE
        && beforeLeave(stage)) {
      Operation cancelling =
          op.redirected(
              Phase.CANCELLING,
              op.steps(),
              op.stepIndex(),
              Stage.CANCEL_DRAIN,
              "the target went back up",
              now);
      save(cancelling);
      emit(
          cancelling,
          EventReason.STAGE_COMPLETED,
          step.ordinal(),
          Stage.CANCEL_DRAIN,
          "cancelling the removal of member " + step.ordinal() + ": the target went back up");
      return Progress.advanced(cancelling);
    }

    if (op.cancelRequested()
        && op.phase() == Phase.FORWARD
        && step.kind() == StepKind.ADD
        && (stage == Stage.REBALANCE || stage == Stage.REBALANCED)) {
      return undoFill(op, step, now);
    }

    if (!stage.polling() && op.lastError() != null && op.lastAttemptAt() != null) {
      Instant retryAt = op.lastAttemptAt().plus(policy.retryBackoff());
      if (now.isBefore(retryAt)) {
        return Progress.waiting(op, Duration.between(now, retryAt));
      }
    }

    Optional<Hold> hold = removalHold(step, stage);
    if (hold.isPresent()) {
      return hold(op, hold.get(), now);
    }

    Operation attempt;
    if (op == savedAttempt) {
      // Counted and journaled by the write that moved to this stage; made now.
      attempt = op.attemptMadeAt(now);
      current = attempt;
    } else {
      attempt = op.attempted(now);
      if (stage.polling()) {
        current = attempt; // a poll changes nothing: no need to journal it
      } else {
        save(attempt); // journal before acting: a crash from here on re-runs this action
      }
    }
    savedAttempt = null;
    StageResult result;
    try {
      result = withActionReport(perform(attempt, step, stage));
    } catch (RuntimeException e) {
      result = StageResult.failed(withReport(describe(e)));
    }
    switch (result.status()) {
      case DONE:
        return advance(attempt, result, now);
      case PENDING:
        return pending(attempt, result.message(), now);
      default:
        return stage.polling()
            ? pending(attempt, result.message(), now)
            : failedAttempt(attempt, result.message(), now);
    }
  }

  /** The target went back down during a fill: undo this add step only (the mirror of a drain). */
  private Progress undoFill(Operation op, Step step, Instant now) {
    List<Step> steps = new ArrayList<>(op.steps().subList(0, op.stepIndex() + 1));
    steps.add(Step.undoAdd(step.ordinal()));
    Stage first = Step.undoAdd(step.ordinal()).firstStage(membership.fills());
    Operation undoing =
        op.redirected(
            Phase.ROLLING_BACK,
            steps,
            steps.size() - 1,
            first,
            "the fill of member " + step.ordinal() + " was cancelled: the target went back down",
            now);
    save(undoing);
    log.info(
        "operation={} action=cancel-fill member={} stage={}", op.id(), step.ordinal(), op.stage());
    emit(
        undoing,
        EventReason.STAGE_COMPLETED,
        step.ordinal(),
        first,
        "cancelling the fill of member " + step.ordinal() + ": the target went back down");
    return Progress.advanced(undoing);
  }

  // ---------------------------------------------------------------- stage actions

  private StageResult perform(Operation op, Step step, Stage stage) {
    int k = step.ordinal();
    switch (stage) {
      case PREFLIGHT:
        return step.kind() == StepKind.ADD ? preflightAdd(step) : preflightRemove(op, step);
      case ANNOUNCE:
        {
          Member joining = runtime.prepare(k);
          Map<String, String> settings = membership.announce(joining, members(step.sizeBefore()));
          return StageResult.done(settings);
        }
      case START:
        runtime.start(runtime.prepare(k), op.launchSettings());
        return StageResult.done();
      case READY:
        {
          if (!runtime.isRunning(k)) {
            return StageResult.pending("member " + k + " is not running yet");
          }
          Member joining = requireMember(k);
          return membership
              .notReady(joining, members(step.sizeBefore()))
              .map(
                  why ->
                      StageResult.pending(
                          "member "
                              + k
                              + " is running but not ready yet"
                              + (why.isBlank() ? "" : ": " + why)))
              .orElseGet(StageResult::done);
        }
      case JOIN:
        membership.join(requireMember(k), members(step.sizeBefore()));
        return StageResult.done();
      case REBALANCE:
        membership.rebalance(requireMember(k), members(step.sizeBefore()));
        return StageResult.done();
      case REBALANCED:
        {
          RebalanceProgress progress =
              membership.rebalanceProgress(requireMember(k), members(step.sizeBefore()));
          return progress.done()
              ? StageResult.doneWith(progress.describe())
              : StageResult.pending("filling member " + k + ": " + progress.describe());
        }
      case CANCEL_REBALANCE:
        {
          Optional<Member> joined = runtime.member(k);
          if (joined.isEmpty()) {
            return StageResult.done(); // never reserved, so never filled
          }
          membership.cancelRebalance(joined.get(), members(step.sizeAfter()));
          return StageResult.done();
        }
      case VERIFY:
        return verify(step.sizeAfter());
      case PUBLISH:
        runtime.publish(members(step.sizeAfter()));
        return StageResult.done();
      case DRAIN:
        if (neverReserved(step)) {
          return StageResult.done();
        }
        membership.drain(requireMember(k), members(step.sizeAfter()));
        return StageResult.done();
      case DRAINED:
        {
          if (neverReserved(step)) {
            return StageResult.done();
          }
          DrainProgress progress = membership.drainProgress(requireMember(k), members(k));
          return progress.done()
              ? StageResult.done()
              : StageResult.pending(
                  String.format(
                      "draining member %d: %.0f%% (%s)",
                      k, progress.fraction() * 100, progress.message()));
        }
      case LEAVE:
        {
          Optional<Member> leaving = runtime.member(k);
          if (leaving.isEmpty() && step.kind() == StepKind.UNDO_ADD) {
            return StageResult.done(); // never reserved, so never announced nor joined
          }
          membership.leave(leaving.orElseThrow(() -> unknown(k)), members(step.sizeAfter()));
          return StageResult.done();
        }
      case STOP:
        return stopOnceLeft(step);
      case GONE:
        return runtime.isRunning(k)
            ? StageResult.pending("member " + k + " is still running")
            : StageResult.done();
      case CLEANUP:
        {
          // Forget before the cleanup releases the reservation: a hook needs the member's address.
          Optional<Member> gone = runtime.member(k);
          if (gone.isPresent()) {
            membership.forget(gone.get(), members(step.sizeAfter()));
          }
          // A half-joined member's data is never worth keeping; a removed member's follows policy.
          runtime.cleanup(
              k, step.kind() == StepKind.UNDO_ADD ? DataPolicy.DELETE : policy.dataPolicy());
          return StageResult.done();
        }
      case CANCEL_DRAIN:
        membership.cancelDrain(requireMember(k), members(step.sizeAfter()));
        return StageResult.done();
      default:
        throw new IllegalStateException("no action for stage " + stage);
    }
  }

  /** Adds what the membership adapter reports of its last action (hook output) to the result. */
  private StageResult withActionReport(StageResult result) {
    String report = takeReports();
    if (report.isBlank()) {
      return result;
    }
    String message = result.message().isEmpty() ? report : result.message() + "; " + report;
    return new StageResult(result.status(), message, result.settings());
  }

  private String withReport(String error) {
    String report = takeReports();
    return report.isBlank() ? error : error + "; " + report;
  }

  /** The membership adapter's and the runtime's reports of the last action, either may be blank. */
  private String takeReports() {
    String members = membership.takeActionReport();
    String processes = runtime.takeActionReport();
    members = members == null ? "" : members;
    processes = processes == null ? "" : processes;
    if (members.isBlank() || processes.isBlank()) {
      return members.isBlank() ? processes : members;
    }
    return members + "; " + processes;
  }

  /** Whether {@code step} undoes an add whose member was never reserved (nothing to undo). */
  private boolean neverReserved(Step step) {
    return step.kind() == StepKind.UNDO_ADD && runtime.member(step.ordinal()).isEmpty();
  }

  private StageResult preflightAdd(Step step) {
    int k = step.ordinal();
    List<Member> existing = members(step.sizeBefore());
    if (runtime.isRunning(k)) {
      return StageResult.failed(
          "member " + k + " is already running outside any operation; stop it before scaling");
    }
    if (policy.nodes().onePerNode()) {
      Optional<String> placement = placementRefusal(step);
      if (placement.isPresent()) {
        return StageResult.failed(placement.get());
      }
    }
    ClusterView view = membership.view(existing);
    return healthyWith(view, ordinals(step.sizeBefore()))
        .map(StageResult::failed)
        .orElseGet(StageResult::done);
  }

  /** Why adding the step's member breaks "one member per node", from the runtime's placement. */
  private Optional<String> placementRefusal(Step step) {
    java.util.OptionalInt nodes = runtime.schedulableNodes();
    if (nodes.isEmpty()) {
      return Optional.of(
          "one member per node: the runtime cannot tell how many nodes are schedulable");
    }
    Map<Integer, Optional<String>> nodeOf = new java.util.TreeMap<>();
    for (int i = 0; i <= step.ordinal(); i++) {
      nodeOf.put(i, runtime.nodeOf(i));
    }
    return dev.ballast.core.policy.OnePerNode.refusal(step.ordinal(), nodeOf, nodes.getAsInt());
  }

  private StageResult preflightRemove(Operation op, Step step) {
    int k = step.ordinal();
    if (policy.shrink() == ShrinkPolicy.DISABLED && op.phase() == Phase.FORWARD) {
      return StageResult.failed("shrinking is disabled by the scale-down policy");
    }
    ClusterView view = membership.view(members(step.sizeBefore()));
    Optional<String> unhealthy = healthyWith(view, ordinals(step.sizeBefore()));
    if (unhealthy.isPresent()) {
      return StageResult.failed(unhealthy.get());
    }
    if (policy.quorumGuard() == QuorumGuard.MAJORITY) {
      Set<Integer> healthyVoters =
          view.members().stream()
              .filter(ClusterView.MemberStatus::healthy)
              .map(ClusterView.MemberStatus::ordinal)
              .filter(o -> view.votingMembers().contains(o) && o != k)
              .collect(Collectors.toCollection(TreeSet::new));
      int needed = QuorumGuard.majority(view.votingMembers().size());
      if (healthyVoters.size() < needed) {
        return StageResult.failed(
            "removing member "
                + k
                + " would leave "
                + healthyVoters.size()
                + " healthy voting members "
                + healthyVoters
                + ", fewer than a majority of "
                + view.votingMembers().size()
                + " ("
                + needed
                + ")");
      }
    }
    return StageResult.done();
  }

  /**
   * Why removing the member (before LEAVE) or stopping it (before STOP) now could lower the number
   * of failures the cluster can absorb, if it could: a voting member that remains does not answer,
   * is not healthy, or is not in sync, or the remaining members disagree about the membership. A
   * member that never became a voter (an add rolled back before its join) and a LEAVE that already
   * took effect are not held here: removing a non-voter lowers nothing, and STOP checks again.
   */
  private Optional<Hold> removalHold(Step step, Stage stage) {
    boolean guarded =
        (stage == Stage.LEAVE && step.kind() != StepKind.ADD)
            || (stage == Stage.STOP && step.kind() == StepKind.REMOVE);
    int k = step.ordinal();
    stopGuardView = null;
    if (!guarded || runtime.member(k).isEmpty()) {
      return Optional.empty();
    }
    List<Member> remaining = members(step.sizeAfter());
    ClusterView view;
    try {
      view = membership.view(remaining);
      if (stage == Stage.STOP) {
        stopGuardView = view;
      }
    } catch (RuntimeException e) {
      return Optional.of(
          new Hold(Set.of(), "the remaining members could not be asked: " + describe(e)));
    }
    if (view.votingMembers().isEmpty()) {
      return Optional.of(
          new Hold(
              Set.of(),
              "no remaining member reports the voting membership ("
                  + view.detail()
                  + view.members().stream()
                      .map(m -> "; member " + m.ordinal() + ": " + m.detail())
                      .collect(Collectors.joining())
                  + ")"));
    }
    if (stage == Stage.LEAVE && !view.votingMembers().contains(k)) {
      return Optional.empty(); // not (or no longer) a voter: leaving is a no-op
    }
    Set<Integer> voters = new TreeSet<>(view.votingMembers());
    voters.remove(k);
    Set<Integer> unhealthy = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    for (int v : voters) {
      Optional<ClusterView.MemberStatus> status =
          view.members().stream().filter(m -> m.ordinal() == v).findFirst();
      if (status.isEmpty()) {
        unhealthy.add(v);
        problems.add(
            "member " + v + " votes but is not among the members " + ordinals(step.sizeAfter()));
      } else if (!status.get().healthy()) {
        unhealthy.add(v);
        problems.add(
            "member "
                + v
                + " ("
                + status.get().role()
                + ") is not healthy: "
                + status.get().detail());
      }
    }
    // Before STOP, a disagreement fails the stage itself (it cannot prove the member left).
    if (!view.consistent() && stage == Stage.LEAVE) {
      problems.add("the remaining members disagree about the membership (" + view.detail() + ")");
    }
    if (problems.isEmpty()) {
      List<Member> voting = remaining.stream().filter(m -> voters.contains(m.ordinal())).toList();
      Optional<String> behind;
      try {
        behind = membership.notInSync(voting);
      } catch (RuntimeException e) {
        behind = Optional.of("cannot tell whether they are in sync: " + describe(e));
      }
      behind.ifPresent(problems::add);
    }
    return problems.isEmpty()
        ? Optional.empty()
        : Optional.of(new Hold(unhealthy, String.join("; ", problems)));
  }

  /** Why a removal is held, and the voting members found unhealthy (empty when none is named). */
  private record Hold(Set<Integer> unhealthy, String why) {}

  /**
   * Keeps the step before its LEAVE or STOP while the removal could lower the failures the cluster
   * can absorb; journals why (once per change of who is unhealthy) and reports it. A hold before
   * LEAVE that outlasts the stage's timeout gives the removal up (its drain is cancelled, the
   * member stays); one before STOP (the member left already) holds until the cluster is back.
   */
  private Progress hold(Operation op, Hold hold, Instant now) {
    Step step = op.currentStep();
    Stage stage = op.stage();
    String why =
        "held before "
            + stage
            + " of member "
            + step.ordinal()
            + (hold.unhealthy().isEmpty() ? "" : " by members " + hold.unhealthy())
            + ": "
            + hold.why()
            + "; it continues once every remaining voting member answers and is in sync"
            + (hold.unhealthy().isEmpty()
                ? ""
                : " (bring members " + hold.unhealthy() + " back or let them catch up)");
    if (stage == Stage.LEAVE && timedOut(op, now)) {
      return failStage(
          op, stage + " was held for " + policy.timeout(stage) + ": " + hold.why(), now);
    }
    String heldBy = why.substring(0, why.indexOf(':'));
    boolean announced = op.lastError() != null && op.lastError().startsWith(heldBy + ":");
    // A hold shorter than the retry backoff (the remaining members electing a new leader right
    // after the old one left) is waited out quietly; a longer one is journaled and reported.
    boolean lasting = !now.isBefore(op.stageStartedAt().plus(policy.retryBackoff()));
    if (!announced && lasting) {
      boolean counted = op == savedAttempt;
      Operation held = op.withError(why);
      save(held);
      if (counted) {
        savedAttempt = held; // the attempt counted when the stage began is still to be made
      }
      log.warn(
          "operation={} member={} stage={} outcome=held reason=\"{}\"",
          op.id(),
          step.ordinal(),
          stage,
          hold.why());
      emit(held, EventReason.REMOVAL_HELD, step.ordinal(), stage, describeStep(step) + ": " + why);
    } else if (op != savedAttempt) {
      current = op.withError(why); // not journaled: the same hold, or not lasting yet
    }
    return Progress.held(current, POLL_INTERVAL);
  }

  private StageResult stopOnceLeft(Step step) {
    int k = step.ordinal();
    if (membership.forgetsAfterStop()) {
      // It is unregistered once stopped (CLEANUP); PREFLIGHT proved the majority, DRAINED the data.
      runtime.stop(k);
      return StageResult.done();
    }
    // Never stop a member that may still vote: prove from the remaining members that it left.
    ClusterView view =
        stopGuardView != null ? stopGuardView : membership.view(members(step.sizeAfter()));
    stopGuardView = null;
    if (view.votingMembers().contains(k)) {
      return StageResult.failed(
          "member "
              + k
              + " is still a voting member after leaving (voting members "
              + new TreeSet<>(view.votingMembers())
              + "); not stopping it");
    }
    if (!view.consistent()) {
      return StageResult.failed(
          "cannot prove member "
              + k
              + " left: the remaining members disagree about the membership ("
              + view.detail()
              + "); not stopping it");
    }
    runtime.stop(k);
    return StageResult.done();
  }

  private StageResult verify(int size) {
    ClusterView view = membership.view(members(size));
    return healthyWith(view, ordinals(size)).map(StageResult::pending).orElseGet(StageResult::done);
  }

  /** Why {@code view} is not a healthy cluster of exactly {@code expected}, if it is not. */
  private static Optional<String> healthyWith(ClusterView view, Set<Integer> expected) {
    Set<Integer> voting = new TreeSet<>(view.votingMembers());
    if (!voting.equals(expected)) {
      return Optional.of(
          "voting members are " + voting + ", expected " + expected + " (" + view.detail() + ")");
    }
    if (!view.healthy()) {
      String sick =
          view.members().stream()
              .filter(m -> !m.healthy())
              .map(m -> "member " + m.ordinal() + ": " + m.detail())
              .collect(Collectors.joining("; "));
      return Optional.of(
          "the cluster is not healthy"
              + (view.consistent() ? "" : " (members disagree about the membership)")
              + (sick.isEmpty() ? "" : ": " + sick)
              + (view.detail().isEmpty() ? "" : " (" + view.detail() + ")"));
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- transitions

  private Progress advance(Operation op, StageResult result, Instant now) {
    Step step = op.currentStep();
    Stage stage = op.stage();
    Operation done = result.settings() != null ? op.withLaunchSettings(result.settings()) : op;
    Duration took = Duration.between(op.stageStartedAt(), now);
    log.info(
        "operation={} member={} step={}/{} stage={} outcome=done attempts={} took={}",
        op.id(),
        step.ordinal(),
        op.stepIndex() + 1,
        op.steps().size(),
        stage,
        op.attempts(),
        took);
    String detail = result.message().isEmpty() ? "" : ": " + result.message();
    record(stageRecord(done, Outcome.SUCCEEDED, took, stage + " done" + detail, now));
    emit(
        done,
        EventReason.STAGE_COMPLETED,
        step.ordinal(),
        stage,
        describeStep(step) + ": " + stage + " done" + detail);

    if (stage == Stage.CANCEL_DRAIN) {
      boolean cancelled = done.cancelRequested();
      return finish(
          done,
          cancelled ? Outcome.CANCELLED : Outcome.FAILED,
          (cancelled
                  ? "the removal of member " + step.ordinal() + " was cancelled"
                  : done.failure() + "; its drain was cancelled")
              + "; the cluster stays at "
              + step.sizeBefore()
              + " members",
          now);
    }
    Stage next = step.kind().next(stage, membership.fills());
    if (next != null) {
      return moveTo(done.atStage(next, now));
    }
    emit(
        done,
        EventReason.STEP_COMPLETED,
        step.ordinal(),
        null,
        describeStep(step) + " done: the cluster has " + step.sizeAfter() + " members");
    if (done.stepIndex() + 1 < done.steps().size()) {
      return moveTo(done.atStep(done.stepIndex() + 1, now));
    }
    if (done.phase() == Phase.ROLLING_BACK && done.cancelRequested()) {
      return finish(
          done,
          Outcome.CANCELLED,
          done.failure() + "; the cluster stays at " + step.sizeAfter() + " members",
          now);
    }
    if (done.phase() == Phase.ROLLING_BACK) {
      return finish(
          done,
          Outcome.ROLLED_BACK,
          done.failure() + "; rolled back to " + step.sizeAfter() + " members",
          now);
    }
    return finish(
        done,
        Outcome.SUCCEEDED,
        "scaled "
            + (done.shrinks() ? "down" : "up")
            + " from "
            + done.from()
            + " to "
            + done.to()
            + " members",
        now);
  }

  /**
   * Journals the move to the next stage. When that stage is an action, the same write counts its
   * first attempt (as the tick that runs it would), so that the journal is saved before the action
   * with one write instead of two; a crash before the action runs re-runs it as a second attempt,
   * as a crash during it would.
   */
  private Progress moveTo(Operation moved) {
    if (moved.stage().polling()) {
      save(moved);
      return Progress.advanced(moved);
    }
    Operation attempted = moved.attempted(clock.instant());
    save(attempted);
    savedAttempt = attempted;
    return Progress.advanced(attempted);
  }

  private Progress pending(Operation op, String why, Instant now) {
    if (timedOut(op, now)) {
      return failStage(
          op,
          op.stage() + " did not complete within " + policy.timeout(op.stage()) + ": " + why,
          now);
    }
    current = op.withError(why);
    return Progress.waiting(current, POLL_INTERVAL);
  }

  private Progress failedAttempt(Operation op, String error, Instant now) {
    Step step = op.currentStep();
    if (op.attempts() >= policy.maxAttempts() || timedOut(op, now)) {
      return failStage(
          op, op.stage() + " failed after " + op.attempts() + " attempt(s): " + error, now);
    }
    Operation retry = op.withError(error);
    save(retry);
    log.warn(
        "operation={} member={} stage={} outcome=retrying attempt={}/{} error=\"{}\"",
        op.id(),
        step.ordinal(),
        op.stage(),
        op.attempts(),
        policy.maxAttempts(),
        error);
    record(
        stageRecord(
            retry,
            Outcome.RETRYING,
            Duration.between(op.stageStartedAt(), now),
            "attempt " + op.attempts() + "/" + policy.maxAttempts() + " failed: " + error,
            now));
    emit(
        retry,
        EventReason.STAGE_RETRIED,
        step.ordinal(),
        op.stage(),
        describeStep(step)
            + ": "
            + op.stage()
            + " attempt "
            + op.attempts()
            + "/"
            + policy.maxAttempts()
            + " failed, retrying: "
            + error);
    return Progress.waiting(retry, policy.retryBackoff());
  }

  private Progress failStage(Operation op, String error, Instant now) {
    Step step = op.currentStep();
    Stage stage = op.stage();
    Operation failed = op.withError(error);
    String what = describeStep(step) + " failed at " + stage + ": " + error;
    log.warn(
        "operation={} member={} stage={} outcome=failed error=\"{}\"",
        op.id(),
        step.ordinal(),
        stage,
        error);
    record(
        stageRecord(
            failed, Outcome.FAILED, Duration.between(op.stageStartedAt(), now), error, now));
    emit(failed, EventReason.STEP_FAILED, step.ordinal(), stage, what);

    if (failed.phase() != Phase.FORWARD || step.kind() == StepKind.UNDO_ADD) {
      String before = failed.failure() == null ? "" : failed.failure() + "; then ";
      return finish(
          failed,
          Outcome.FAILED,
          before + what + "; " + standing(step, stage) + "; inspect it before scaling again",
          now);
    }
    if (stage == Stage.PREFLIGHT) {
      return finish(
          failed,
          failed.stepIndex() == 0 ? Outcome.BLOCKED : Outcome.FAILED,
          "preflight for "
              + describeStep(step)
              + " failed: "
              + error
              + "; nothing was changed, the cluster stays at "
              + step.sizeBefore()
              + " members",
          now);
    }
    if (step.kind() == StepKind.ADD) {
      List<Step> steps = new ArrayList<>(failed.steps().subList(0, failed.stepIndex() + 1));
      int undoIndex = steps.size();
      steps.add(Step.undoAdd(step.ordinal()));
      if (policy.shrink() == ShrinkPolicy.ALLOWED) {
        // Undo the steps this operation completed too, so the cluster returns to where it began.
        for (int i = failed.stepIndex() - 1; i >= 0; i--) {
          Step completed = failed.steps().get(i);
          if (completed.kind() == StepKind.ADD) {
            steps.add(Step.remove(completed.ordinal()));
          }
        }
      }
      Operation rollingBack =
          failed.redirected(
              Phase.ROLLING_BACK,
              steps,
              undoIndex,
              Step.undoAdd(step.ordinal()).firstStage(membership.fills()),
              what,
              now);
      save(rollingBack);
      log.warn(
          "operation={} action=rollback member={} target={}",
          op.id(),
          step.ordinal(),
          steps.get(steps.size() - 1).sizeAfter());
      return Progress.advanced(rollingBack);
    }
    // A removal that has not left yet is abandoned after stopping its drain (a held LEAVE never
    // ran: the member still votes).
    if (stage == Stage.DRAIN
        || stage == Stage.DRAINED
        || (stage == Stage.LEAVE && error.startsWith(Stage.LEAVE + " was held for "))) {
      Operation cancelling =
          failed.redirected(
              Phase.CANCELLING, failed.steps(), failed.stepIndex(), Stage.CANCEL_DRAIN, what, now);
      save(cancelling);
      return Progress.advanced(cancelling);
    }
    return finish(
        failed,
        Outcome.FAILED,
        what + "; " + standing(step, stage) + "; inspect it before scaling again",
        now);
  }

  /** Where a failed removal or rollback left the cluster, as precisely as the stage tells. */
  private static String standing(Step step, Stage stage) {
    int k = step.ordinal();
    switch (stage) {
      case LEAVE:
      case STOP:
        return "member "
            + k
            + " was not stopped and may still be a voting member; the cluster has "
            + step.sizeBefore()
            + " members";
      case GONE:
        return "member " + k + " left the ensemble but its process may still run";
      case CANCEL_REBALANCE:
      case DRAIN:
      case DRAINED:
        if (step.kind() == StepKind.UNDO_ADD) {
          return "member "
              + k
              + " joined and may still hold data that was moved onto it, so it was left running"
              + " as a member; the cluster has "
              + step.sizeBefore()
              + " members; move its data off it (or let its fill finish) before removing it";
        }
        return "the cluster has " + step.sizeBefore() + " members";
      case CLEANUP:
        return "member " + k + " left and stopped, but its data was not cleaned up";
      case VERIFY:
      case PUBLISH:
        return "member "
            + k
            + " is gone; the cluster should have "
            + step.sizeAfter()
            + " members but did not verify as healthy";
      default:
        return "the cluster has " + step.sizeBefore() + " members";
    }
  }

  private Progress finish(Operation op, Outcome outcome, String message, Instant now) {
    Operation ended = op.ended(outcome, message, now);
    save(ended);
    // It ended just now, so it cannot have been recorded yet: no need to read the history.
    complete(ended, false);
    return Progress.advanced(ended);
  }

  /** Records an ended operation once, reports it, and clears the journal. */
  private void complete(Operation ended) {
    complete(ended, true);
  }

  /**
   * Records an ended operation, reports it, and clears the journal; when {@code mayBeRecorded} (a
   * crash may have hit after recording it, before clearing the journal), only if the history does
   * not hold it yet.
   */
  private void complete(Operation ended, boolean mayBeRecorded) {
    boolean recorded =
        mayBeRecorded
            && history.list().stream()
                .anyMatch(
                    r -> r.kind() == RecordKind.OPERATION && ended.id().equals(r.operationId()));
    if (!recorded) {
      Duration took = Duration.between(ended.startedAt(), ended.finishedAt());
      List<String> reasons = new ArrayList<>(ended.reasons());
      if (ended.failure() != null) {
        reasons.add(ended.failure());
      }
      record(
          new HistoryRecord(
              ended.finishedAt(),
              RecordKind.OPERATION,
              ended.trigger(),
              ended.from(),
              ended.to(),
              ended.outcome(),
              took,
              reasons,
              ended.message(),
              ended.id(),
              null,
              null));
      log.info(
          "operation={} outcome={} from={} to={} took={} message=\"{}\"",
          ended.id(),
          ended.outcome(),
          ended.from(),
          ended.to(),
          took,
          ended.message());
      emit(ended, endReason(ended), null, null, ended.message());
    }
    operations.clear();
    current = null;
    loaded = true;
  }

  private static EventReason endReason(Operation op) {
    switch (op.outcome()) {
      case SUCCEEDED:
        return op.shrinks() ? EventReason.SCALED_DOWN : EventReason.SCALED_UP;
      case ROLLED_BACK:
        return EventReason.ROLLED_BACK;
      case CANCELLED:
        return EventReason.SCALING_CANCELLED;
      case BLOCKED:
        return EventReason.SCALING_BLOCKED;
      default:
        return EventReason.SCALING_FAILED;
    }
  }

  // ---------------------------------------------------------------- helpers

  private boolean timedOut(Operation op, Instant now) {
    return !now.isBefore(op.stageStartedAt().plus(policy.timeout(op.stage())));
  }

  private static boolean beforeLeave(Stage stage) {
    return stage == Stage.PREFLIGHT || stage == Stage.DRAIN || stage == Stage.DRAINED;
  }

  private List<Member> members(int size) {
    List<Member> members = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      members.add(requireMember(i));
    }
    return members;
  }

  private Member requireMember(int ordinal) {
    return runtime.member(ordinal).orElseThrow(() -> unknown(ordinal));
  }

  private static IllegalStateException unknown(int ordinal) {
    return new IllegalStateException("member " + ordinal + " is not known to the runtime");
  }

  private static Set<Integer> ordinals(int size) {
    return IntStream.range(0, size).boxed().collect(Collectors.toCollection(TreeSet::new));
  }

  private static String describeStep(Step step) {
    switch (step.kind()) {
      case ADD:
        return "adding member " + step.ordinal();
      case REMOVE:
        return "removing member " + step.ordinal();
      default:
        return "rolling back member " + step.ordinal();
    }
  }

  private static String describe(RuntimeException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private HistoryRecord stageRecord(
      Operation op, Outcome outcome, Duration took, String message, Instant now) {
    return new HistoryRecord(
        now,
        RecordKind.STAGE,
        op.trigger(),
        op.currentStep().sizeBefore(),
        op.currentStep().sizeAfter(),
        outcome,
        took,
        List.of(),
        message,
        op.id(),
        op.currentStep().ordinal(),
        op.stage());
  }

  private void record(HistoryRecord record) {
    history.append(record);
  }

  private void emit(
      Operation op, EventReason reason, Integer ordinal, Stage stage, String message) {
    ScalingEvent event =
        new ScalingEvent(
            clock.instant(),
            reason,
            op.id(),
            op.trigger(),
            op.from(),
            op.to(),
            ordinal,
            stage,
            message);
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      // Reporting must never stop a scaling operation half-way: the journal and history have it.
      log.warn("operation={} event={} listener failed", op.id(), reason.code(), e);
    }
  }

  private void save(Operation op) {
    savedAttempt = null;
    operations.save(op);
    current = op;
    loaded = true;
  }

  private void ensureLoaded() {
    if (!loaded) {
      current = operations.load().orElse(null);
      loaded = true;
      if (current != null && current.finished()) {
        // A crash hit between saving the end and clearing the journal: finish the bookkeeping
        // before anything else reads or replaces the journal.
        complete(current);
      }
    }
  }

  /** The result of one stage attempt. */
  private record StageResult(Status status, String message, Map<String, String> settings) {
    enum Status {
      DONE,
      PENDING,
      FAILED
    }

    static StageResult done() {
      return new StageResult(Status.DONE, "", null);
    }

    static StageResult doneWith(String detail) {
      return new StageResult(Status.DONE, detail, null);
    }

    static StageResult done(Map<String, String> settings) {
      return new StageResult(Status.DONE, "", settings);
    }

    static StageResult pending(String why) {
      return new StageResult(Status.PENDING, why, null);
    }

    static StageResult failed(String why) {
      return new StageResult(Status.FAILED, why, null);
    }
  }
}
