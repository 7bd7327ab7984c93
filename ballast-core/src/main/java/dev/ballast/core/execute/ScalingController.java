package dev.ballast.core.execute;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.Plan;
import dev.ballast.core.plan.PlanResult;
import dev.ballast.core.plan.Planner;
import dev.ballast.core.plan.Refusal;
import dev.ballast.core.plan.RefusalReason;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.plan.Step;
import dev.ballast.core.plan.StepKind;
import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.HistoryStore;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.Membership;
import dev.ballast.core.port.OperationStore;
import dev.ballast.core.port.ReplicaRuntime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's front door for the wiring layers (the CLI, the autoscaling loop, the operator):
 * checks a request against the policy, starts a journaled operation, and advances it one stage per
 * {@link #tick()}. Not thread-safe: one caller ticks one cluster.
 */
public final class ScalingController {
  private static final Logger log = LoggerFactory.getLogger(ScalingController.class);

  private final ScalingPolicy policy;
  private final ReplicaRuntime runtime;
  private final Membership membership;
  private final HistoryStore history;
  private final Clock clock;
  private final ExecutionListener listener;
  private final Planner planner;
  private final OperationExecutor executor;

  public ScalingController(
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
    this.history = Objects.requireNonNull(history, "history");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.planner = new Planner(policy);
    this.executor =
        new OperationExecutor(policy, runtime, membership, operations, history, clock, listener);
  }

  /** The policy this controller enforces. */
  public ScalingPolicy policy() {
    return policy;
  }

  /**
   * Asks for {@code request.replicas()} members. Starts an operation when the request is allowed,
   * refuses it with a reason otherwise; while an operation is in flight, only retargets it (cancel
   * a pending removal, stop a shrink earlier) or repeats it. Every refusal is recorded.
   */
  public ScaleResponse request(ScaleRequest request) {
    Objects.requireNonNull(request, "request");
    Optional<Operation> inFlight = executor.inFlight();
    if (inFlight.isPresent()) {
      return retarget(inFlight.get(), request);
    }
    Optional<Refusal> layout = checkLayout();
    if (layout.isPresent()) {
      return refuse(request, currentSize(), layout.get());
    }
    int current = currentSize();
    PlanResult result = planner.plan(current, request.replicas());
    if (result instanceof PlanResult.Refused refused) {
      return refuse(request, current, refused.refusal());
    }
    Plan plan = ((PlanResult.Planned) result).plan();
    if (plan.isEmpty()) {
      return new ScaleResponse.Unchanged(
          current, "the cluster already has " + current + " members");
    }
    Instant now = clock.instant();
    Operation operation =
        Operation.start(
            "op-" + now.toEpochMilli() + "-" + current + "to" + request.replicas(),
            request.trigger(),
            plan,
            now,
            request.reasons());
    executor.begin(operation);
    history.append(
        new HistoryRecord(
            now,
            RecordKind.DECISION,
            request.trigger(),
            current,
            request.replicas(),
            Outcome.IN_PROGRESS,
            Duration.ZERO,
            request.reasons(),
            "accepted: scale from " + current + " to " + request.replicas() + " members",
            operation.id(),
            null,
            null));
    return new ScaleResponse.Accepted(operation);
  }

  /** Advances the in-flight operation by at most one stage (see {@link OperationExecutor}). */
  public Progress tick() {
    return executor.tick();
  }

  /**
   * Re-reads the journal, for a process that starts while an operation may be in flight (after a
   * crash, or {@code ballast resume}); returns the operation to keep ticking, if any.
   */
  public Optional<Operation> resume() {
    Optional<Operation> resumed = executor.reload();
    resumed.ifPresent(
        op -> log.info("operation={} action=resume position=\"{}\"", op.id(), op.position()));
    return resumed;
  }

  /** The operation in flight, if any. */
  public Optional<Operation> inFlight() {
    return executor.inFlight();
  }

  /**
   * Undoes adds whose journal was lost: while no operation is in flight, members the runtime has
   * reserved above the cluster's voting members (ordinals v..n-1 when a healthy, consistent cluster
   * counts exactly 0..v-1 as voting) are rolled back by one operation (each leaves, a no-op, stops,
   * and its data is deleted: a member that never joined holds nothing the voters do not). Without
   * this, every later plan would expect them to vote and be blocked. Returns the operation started;
   * empty when there is nothing to undo, or the cluster cannot tell (not healthy, a gap in the
   * voting members, or no quorum guard: without votes a member that never joined looks like one
   * that stopped).
   */
  public Optional<Operation> releaseUnjoined() {
    if (executor.inFlight().isPresent() || policy.quorumGuard() != QuorumGuard.MAJORITY) {
      return Optional.empty();
    }
    List<Member> members = runtime.members();
    if (members.isEmpty() || checkLayout().isPresent()) {
      return Optional.empty();
    }
    ClusterView view = membership.view(members);
    int voters = view.votingMembers().size();
    boolean contiguous =
        view.votingMembers().stream().allMatch(o -> o >= 0 && o < voters) && voters > 0;
    boolean votersHealthy =
        view.members().stream()
                .filter(m -> view.votingMembers().contains(m.ordinal()))
                .filter(ClusterView.MemberStatus::healthy)
                .count()
            == voters;
    if (!view.consistent() || !contiguous || !votersHealthy || voters >= members.size()) {
      return Optional.empty();
    }
    List<Step> steps = new ArrayList<>();
    for (int k = members.size() - 1; k >= voters; k--) {
      steps.add(Step.undoAdd(k));
    }
    Instant now = clock.instant();
    String why =
        "members "
            + steps.stream().map(Step::ordinal).sorted().toList()
            + " are reserved but never joined the "
            + voters
            + " voting members, and no operation is in flight (the journal of their add was"
            + " lost): releasing them";
    Operation operation =
        Operation.start(
                "op-" + now.toEpochMilli() + "-release-" + members.size() + "to" + voters,
                Trigger.ROLLBACK,
                new Plan(members.size(), voters, steps),
                now,
                List.of(why))
            .atStage(steps.get(0).firstStage(membership.fills()), now);
    log.info("action=release-unjoined members={} voting={}", members.size(), voters);
    executor.begin(operation);
    return Optional.of(operation);
  }

  /** The size before the last operation that succeeded, if one did. */
  public OptionalInt rollbackTarget() {
    List<HistoryRecord> records = history.list();
    for (int i = records.size() - 1; i >= 0; i--) {
      HistoryRecord r = records.get(i);
      if (r.kind() == RecordKind.OPERATION && r.outcome() == Outcome.SUCCEEDED) {
        return OptionalInt.of(r.from());
      }
    }
    return OptionalInt.empty();
  }

  /** Requests the {@link #rollbackTarget()} size through the same safe path as any request. */
  public ScaleResponse rollback() {
    OptionalInt target = rollbackTarget();
    if (target.isEmpty()) {
      return refuse(
          ScaleRequest.rollback(currentSize()),
          currentSize(),
          new Refusal(
              RefusalReason.NOTHING_TO_ROLL_BACK,
              "no scaling operation has completed yet; there is no previous size to return to"));
    }
    return request(ScaleRequest.rollback(target.getAsInt()));
  }

  /** The number of members the runtime has reserved. */
  public int currentSize() {
    return runtime.members().size();
  }

  private Optional<Refusal> checkLayout() {
    List<Member> members = runtime.members();
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).ordinal() != i) {
        List<Integer> ordinals = members.stream().map(Member::ordinal).toList();
        return Optional.of(
            new Refusal(
                RefusalReason.CLUSTER_NOT_READY,
                "members are numbered "
                    + ordinals
                    + ", expected 0.."
                    + (members.size() - 1)
                    + "; a previous operation left a gap, inspect the cluster"));
      }
    }
    return Optional.empty();
  }

  private ScaleResponse retarget(Operation op, ScaleRequest request) {
    int target = request.replicas();
    if (target == op.to()) {
      return new ScaleResponse.Accepted(op);
    }
    Step step = op.currentStep();
    boolean pendingRemoval =
        op.phase() == Phase.FORWARD
            && op.shrinks()
            && step.kind() == StepKind.REMOVE
            && (op.stage() == Stage.PREFLIGHT
                || op.stage() == Stage.DRAIN
                || op.stage() == Stage.DRAINED);
    if (op.phase() == Phase.FORWARD && op.shrinks() && target > op.to()) {
      Optional<Refusal> refusal = planner.check(op.from(), target);
      if (refusal.isPresent()) {
        return refuse(request, op.from(), refusal.get());
      }
      if (target < step.sizeBefore()) {
        // Fewer removals wanted: drop the steps past the new target.
        List<Step> kept = new ArrayList<>();
        for (Step s : op.steps()) {
          kept.add(s);
          if (s.sizeAfter() == target) {
            break;
          }
        }
        Operation shorter = op.retargeted(target, kept, clock.instant());
        executor.replace(shorter);
        return new ScaleResponse.Retargeted(
            shorter, "the running shrink now stops at " + target + " members");
      }
      if (pendingRemoval) {
        return cancel(
            op, target, "cancelling the removal of member " + step.ordinal(), "grow further");
      }
    }
    boolean pendingFill =
        op.phase() == Phase.FORWARD
            && !op.shrinks()
            && step.kind() == StepKind.ADD
            && (op.stage() == Stage.REBALANCE || op.stage() == Stage.REBALANCED);
    if (pendingFill && target <= step.sizeBefore() && !op.cancelRequested()) {
      // The mirror of a cancelled drain: stop moving data onto the new member and undo its add.
      Optional<Refusal> refusal = planner.check(step.sizeBefore(), target);
      if (refusal.isPresent() && target != step.sizeBefore()) {
        return refuse(request, step.sizeBefore(), refusal.get());
      }
      return cancel(
          op,
          target,
          "cancelling the fill of member "
              + step.ordinal()
              + ": what moved onto it is moved back and it leaves",
          "shrink further");
    }
    return refuse(
        request,
        op.from(),
        new Refusal(
            RefusalReason.OPERATION_IN_PROGRESS,
            "another operation is in progress ("
                + op.id()
                + ": "
                + op.from()
                + " to "
                + op.to()
                + " members, "
                + op.position()
                + "); wait for it to finish, then request "
                + target
                + " again"));
  }

  /**
   * Asks the executor to cancel the current step (a drain or a fill) and says so: {@code what} is
   * cancelled, the cluster stays at the step's size before, and {@code further} ("grow further")
   * needs {@code target} requested again once it is done.
   */
  private ScaleResponse cancel(Operation op, int target, String what, String further) {
    Step step = op.currentStep();
    Operation cancelling = op.withCancelRequested(clock.instant());
    executor.replace(cancelling);
    String next =
        target == step.sizeBefore()
            ? ""
            : "; request " + target + " again once it is done to " + further;
    return new ScaleResponse.Retargeted(
        cancelling, what + "; the cluster will stay at " + step.sizeBefore() + " members" + next);
  }

  private ScaleResponse refuse(ScaleRequest request, int current, Refusal refusal) {
    Instant now = clock.instant();
    log.info(
        "action=refused trigger={} from={} to={} reason={} message=\"{}\"",
        request.trigger(),
        current,
        request.replicas(),
        refusal.reason(),
        refusal.message());
    history.append(
        new HistoryRecord(
            now,
            RecordKind.REFUSAL,
            request.trigger(),
            current,
            request.replicas(),
            Outcome.REFUSED,
            Duration.ZERO,
            List.of(refusal.reason().name()),
            refusal.message(),
            null,
            null,
            null));
    listener.onEvent(
        new ScalingEvent(
            now,
            EventReason.SCALING_BLOCKED,
            null,
            request.trigger(),
            current,
            request.replicas(),
            null,
            null,
            refusal.message()));
    return new ScaleResponse.Refused(refusal);
  }
}
