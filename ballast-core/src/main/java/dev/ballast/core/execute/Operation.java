package dev.ballast.core.execute;

import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.Plan;
import dev.ballast.core.plan.Stage;
import dev.ballast.core.plan.Step;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The journal of one scaling operation, saved before every action so that a restarted process
 * resumes it where it stopped: what was asked ({@code trigger}, {@code from}, {@code to}), the
 * steps, where execution stands ({@code stepIndex}, {@code stage}, {@code attempts} of that stage,
 * when the stage began), the launch settings the new member was announced with (so START after a
 * crash uses the same ones), the last error, and, once ended, the outcome. {@code failure} is the
 * error that turned the operation into a rollback or a failure. Nullable: {@code lastAttemptAt},
 * {@code lastError}, {@code failure}, {@code finishedAt}, {@code message}. A plain record that
 * serializes with Jackson (with the JSR-310 module for time).
 */
public record Operation(
    String id,
    Trigger trigger,
    int from,
    int to,
    List<Step> steps,
    int stepIndex,
    Stage stage,
    int attempts,
    Instant startedAt,
    Instant stageStartedAt,
    Instant lastAttemptAt,
    Instant updatedAt,
    Map<String, String> launchSettings,
    String lastError,
    String failure,
    Phase phase,
    boolean cancelRequested,
    Outcome outcome,
    Instant finishedAt,
    String message,
    List<String> reasons) {

  public Operation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(trigger, "trigger");
    steps = List.copyOf(steps);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("an operation has at least one step");
    }
    if (stepIndex < 0 || stepIndex >= steps.size()) {
      throw new IllegalArgumentException(
          "stepIndex must be in [0, " + steps.size() + "), was " + stepIndex);
    }
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(stageStartedAt, "stageStartedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    launchSettings = launchSettings == null ? Map.of() : Map.copyOf(launchSettings);
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(outcome, "outcome");
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
  }

  /** A new operation at the first stage of the plan's first step. */
  public static Operation start(
      String id, Trigger trigger, Plan plan, Instant now, List<String> reasons) {
    if (plan.isEmpty()) {
      throw new IllegalArgumentException("an empty plan needs no operation");
    }
    return new Operation(
        id,
        trigger,
        plan.from(),
        plan.to(),
        plan.steps(),
        0,
        plan.steps().get(0).firstStage(),
        0,
        now,
        now,
        null,
        now,
        Map.of(),
        null,
        null,
        Phase.FORWARD,
        false,
        Outcome.IN_PROGRESS,
        null,
        null,
        reasons);
  }

  /** The step being executed. */
  public Step currentStep() {
    return steps.get(stepIndex);
  }

  /** Whether the operation has ended (successfully or not). */
  public boolean finished() {
    return outcome.finished();
  }

  /** Whether the operation makes the cluster smaller. */
  public boolean shrinks() {
    return to < from;
  }

  /** Where it stands, for status lines: "member 4 (add 2/2) at JOIN". */
  public String position() {
    Step step = currentStep();
    return "member "
        + step.ordinal()
        + " ("
        + step.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + " "
        + (stepIndex + 1)
        + "/"
        + steps.size()
        + ") at "
        + stage;
  }

  Operation atStage(Stage next, Instant now) {
    return edit(
        d -> {
          d.stage = next;
          d.attempts = 0;
          d.stageStartedAt = now;
          d.lastAttemptAt = null;
          d.updatedAt = now;
          d.lastError = null;
        });
  }

  Operation atStep(int index, Instant now) {
    return atStage(steps.get(index).firstStage(), now)
        .edit(
            d -> {
              d.stepIndex = index;
              d.launchSettings = Map.of();
            });
  }

  Operation attempted(Instant now) {
    return edit(
        d -> {
          d.attempts = attempts + 1;
          d.lastAttemptAt = now;
          d.updatedAt = now;
        });
  }

  /** The same attempt, recorded as made at {@code now} (the journal counted it a moment before). */
  Operation attemptMadeAt(Instant now) {
    return edit(
        d -> {
          d.lastAttemptAt = now;
          d.updatedAt = now;
        });
  }

  Operation withError(String error) {
    return edit(d -> d.lastError = error);
  }

  Operation withLaunchSettings(Map<String, String> settings) {
    return edit(d -> d.launchSettings = settings);
  }

  Operation withCancelRequested(Instant now) {
    return edit(
        d -> {
          d.cancelRequested = true;
          d.updatedAt = now;
        });
  }

  Operation retargeted(int newTo, List<Step> newSteps, Instant now) {
    return edit(
        d -> {
          d.to = newTo;
          d.steps = newSteps;
          d.updatedAt = now;
        });
  }

  Operation redirected(
      Phase newPhase, List<Step> newSteps, int index, Stage first, String why, Instant now) {
    return atStage(first, now)
        .edit(
            d -> {
              d.steps = newSteps;
              d.stepIndex = index;
              d.launchSettings = Map.of();
              d.failure = why;
              d.phase = newPhase;
            });
  }

  Operation ended(Outcome end, String text, Instant now) {
    return edit(
        d -> {
          d.outcome = end;
          d.updatedAt = now;
          d.finishedAt = now;
          d.message = text;
        });
  }

  /** A copy of this journal with the fields {@code change} sets; validated like any other. */
  private Operation edit(java.util.function.Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return new Operation(
        d.id,
        d.trigger,
        d.from,
        d.to,
        d.steps,
        d.stepIndex,
        d.stage,
        d.attempts,
        d.startedAt,
        d.stageStartedAt,
        d.lastAttemptAt,
        d.updatedAt,
        d.launchSettings,
        d.lastError,
        d.failure,
        d.phase,
        d.cancelRequested,
        d.outcome,
        d.finishedAt,
        d.message,
        d.reasons);
  }

  /** The fields of an {@link Operation} being edited. */
  private static final class Draft {
    final String id;
    final Trigger trigger;
    final int from;
    int to;
    List<Step> steps;
    int stepIndex;
    Stage stage;
    int attempts;
    final Instant startedAt;
    Instant stageStartedAt;
    Instant lastAttemptAt;
    Instant updatedAt;
    Map<String, String> launchSettings;
    String lastError;
    String failure;
    Phase phase;
    boolean cancelRequested;
    Outcome outcome;
    Instant finishedAt;
    String message;
    final List<String> reasons;

    Draft(Operation o) {
      id = o.id;
      trigger = o.trigger;
      from = o.from;
      to = o.to;
      steps = o.steps;
      stepIndex = o.stepIndex;
      stage = o.stage;
      attempts = o.attempts;
      startedAt = o.startedAt;
      stageStartedAt = o.stageStartedAt;
      lastAttemptAt = o.lastAttemptAt;
      updatedAt = o.updatedAt;
      launchSettings = o.launchSettings;
      lastError = o.lastError;
      failure = o.failure;
      phase = o.phase;
      cancelRequested = o.cancelRequested;
      outcome = o.outcome;
      finishedAt = o.finishedAt;
      message = o.message;
      reasons = o.reasons;
    }
  }
}
