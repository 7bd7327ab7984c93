package dev.ballast.core.plan;

/** What the planner made of a request: a plan to execute, or a refusal that says why not. */
public sealed interface PlanResult permits PlanResult.Planned, PlanResult.Refused {

  /** The request is allowed; {@code plan} may be empty when the size does not change. */
  record Planned(Plan plan) implements PlanResult {}

  /** A safety rule refused the request. */
  record Refused(Refusal refusal) implements PlanResult {}
}
