package dev.ballast.core.plan;

import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.core.policy.ScalingPolicy;
import dev.ballast.core.policy.ShrinkPolicy;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a requested size against the policy's safety rules and turns an allowed change into
 * single-member steps. A requested size must be one the policy allows: unlike the autoscaler's
 * proposals, a person's request is never rounded.
 */
public final class Planner {
  private final ScalingPolicy policy;

  public Planner(ScalingPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** The plan from {@code current} to {@code target} members, or why it is refused. */
  public PlanResult plan(int current, int target) {
    return check(current, target)
        .<PlanResult>map(PlanResult.Refused::new)
        .orElseGet(() -> new PlanResult.Planned(Plan.between(current, target)));
  }

  /** The first rule that refuses {@code current → target}, if any. */
  public Optional<Refusal> check(int current, int target) {
    if (target < 0) {
      return refuse(
          RefusalReason.INVALID_SIZE,
          "replicas must be 0 or more, was " + target + "; give a size such as 3");
    }
    if (current < 1) {
      return refuse(
          RefusalReason.CLUSTER_NOT_READY,
          "the cluster has no members; create it before scaling it");
    }
    if (target == current) {
      return Optional.empty();
    }
    if (target < current && policy.shrink() == ShrinkPolicy.DISABLED) {
      return refuse(
          RefusalReason.SHRINK_DISABLED,
          "shrinking is disabled by the scale-down policy (Disabled); the cluster stays at "
              + current
              + " members");
    }
    if (target < policy.minReplicas()) {
      return refuse(
          RefusalReason.BELOW_MIN,
          target
              + " is below minReplicas "
              + policy.minReplicas()
              + "; request "
              + policy.minReplicas()
              + " or more");
    }
    if (target > policy.maxReplicas()) {
      return refuse(
          RefusalReason.ABOVE_MAX,
          target
              + " is above maxReplicas "
              + policy.maxReplicas()
              + "; request "
              + policy.maxReplicas()
              + " or fewer");
    }
    if (!policy.allowedReplicas().isEmpty() && !policy.allowedReplicas().contains(target)) {
      return refuse(
          RefusalReason.NOT_ALLOWED_SIZE,
          target + " is not an allowed size; allowed sizes are " + policy.allowedReplicasText());
    }
    if (target < current && policy.quorumGuard() == QuorumGuard.MAJORITY) {
      // Each removal goes from n to n-1 members; the n-1 that stay must be a majority of the n,
      // or the ensemble could not commit the change (nor survive it) on its own.
      for (Step step : Plan.between(current, target).steps()) {
        if (step.sizeAfter() < QuorumGuard.majority(step.sizeBefore())) {
          return refuse(
              RefusalReason.BELOW_QUORUM,
              "removing a member from "
                  + step.sizeBefore()
                  + " would leave "
                  + step.sizeAfter()
                  + ", fewer than a majority of "
                  + step.sizeBefore()
                  + " ("
                  + QuorumGuard.majority(step.sizeBefore())
                  + "); the smallest safe size is "
                  + smallestSafeSize());
        }
      }
    }
    return Optional.empty();
  }

  private int smallestSafeSize() {
    // n-1 >= n/2+1 holds from n = 3 on, so any size of at least 2 can be reached one step at a
    // time except by removing a member from 2.
    return Math.max(2, policy.minReplicas());
  }

  private static Optional<Refusal> refuse(RefusalReason reason, String message) {
    return Optional.of(new Refusal(reason, message));
  }
}
