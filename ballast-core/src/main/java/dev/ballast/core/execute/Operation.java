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
    return new Operation(
        id,
        trigger,
        from,
        to,
        steps,
        stepIndex,
        next,
        0,
        startedAt,
        now,
        null,
        now,
        launchSettings,
        null,
        failure,
        phase,
        cancelRequested,
        outcome,
        finishedAt,
        message,
        reasons);
  }

  Operation atStep(int index, Instant now) {
    return new Operation(
        id,
        trigger,
        from,
        to,
        steps,
        index,
        steps.get(index).firstStage(),
        0,
        startedAt,
        now,
        null,
        now,
        Map.of(),
        null,
        failure,
        phase,
        cancelRequested,
        outcome,
        finishedAt,
        message,
        reasons);
  }

  Operation attempted(Instant now) {
    return new Operation(
        id,
        trigger,
        from,
        to,
        steps,
        stepIndex,
        stage,
        attempts + 1,
        startedAt,
        stageStartedAt,
        now,
        now,
        launchSettings,
        lastError,
        failure,
        phase,
        cancelRequested,
        outcome,
        finishedAt,
        message,
        reasons);
  }

  /** The same attempt, recorded as made at {@code now} (the journal counted it a moment before). */
  Operation attemptMadeAt(Instant now) {
    return new Operation(
        id,
        trigger,
        from,
        to,
        steps,
        stepIndex,
        stage,
        attempts,
        startedAt,
        stageStartedAt,
        now,
        now,
        launchSettings,
        lastError,
        failure,
        phase,
        cancelRequested,
        outcome,
        finishedAt,
        message,
        reasons);
  }

  Operation withError(String error) {
    return new Operation(
        id,
        trigger,
        from,
        to,
        steps,
        stepIndex,
        stage,
        attempts,
        startedAt,
        stageStartedAt,
        lastAttemptAt,
        updatedAt,
        launchSettings,
        error,
        failure,
        phase,
        cancelRequested,
        outcome,
        finishedAt,
        message,
        reasons);
  }

  Operation withLaunchSettings(Map<String, String> settings) {
    return new Operation(
        id,
        trigger,
        from,
        to,
        steps,
        stepIndex,
        stage,
        attempts,
        startedAt,
        stageStartedAt,
        lastAttemptAt,
        updatedAt,
        settings,
        lastError,
        failure,
        phase,
        cancelRequested,
        outcome,
        finishedAt,
        message,
        reasons);
  }

  Operation withCancelRequested(Instant now) {
    return new Operation(
        id,
        trigger,
        from,
        to,
        steps,
        stepIndex,
        stage,
        attempts,
        startedAt,
        stageStartedAt,
        lastAttemptAt,
        now,
        launchSettings,
        lastError,
        failure,
        phase,
        true,
        outcome,
        finishedAt,
        message,
        reasons);
  }

  Operation retargeted(int newTo, List<Step> newSteps, Instant now) {
    return new Operation(
        id,
        trigger,
        from,
        newTo,
        newSteps,
        stepIndex,
        stage,
        attempts,
        startedAt,
        stageStartedAt,
        lastAttemptAt,
        now,
        launchSettings,
        lastError,
        failure,
        phase,
        cancelRequested,
        outcome,
        finishedAt,
        message,
        reasons);
  }

  Operation redirected(
      Phase newPhase, List<Step> newSteps, int index, Stage first, String why, Instant now) {
    return new Operation(
        id,
        trigger,
        from,
        to,
        newSteps,
        index,
        first,
        0,
        startedAt,
        now,
        null,
        now,
        Map.of(),
        null,
        why,
        newPhase,
        cancelRequested,
        outcome,
        finishedAt,
        message,
        reasons);
  }

  Operation ended(Outcome end, String text, Instant now) {
    return new Operation(
        id,
        trigger,
        from,
        to,
        steps,
        stepIndex,
        stage,
        attempts,
        startedAt,
        stageStartedAt,
        lastAttemptAt,
        now,
        launchSettings,
        lastError,
        failure,
        phase,
        cancelRequested,
        end,
        now,
        text,
        reasons);
  }
}
