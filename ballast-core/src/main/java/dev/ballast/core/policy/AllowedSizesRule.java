package dev.ballast.core.policy;

import java.util.Optional;

/**
 * Rounds a proposal up to the next allowed size, so the cluster never runs below the size the
 * metrics call for; a proposal above the largest allowed size gets the largest one.
 */
public final class AllowedSizesRule implements SizeRule {

  @Override
  public Optional<Clamp> apply(int proposed, int current, ScalingPolicy policy) {
    var allowed = policy.allowedReplicas();
    if (allowed.isEmpty() || allowed.contains(proposed)) {
      return Optional.empty();
    }
    var above = allowed.tailSet(proposed);
    if (!above.isEmpty()) {
      int next = above.first();
      return Optional.of(
          new Clamp(
              ClampReason.NOT_ALLOWED_SIZE,
              proposed,
              next,
              proposed
                  + " is not an allowed size; rounded up to "
                  + next
                  + " (allowed sizes are "
                  + policy.allowedReplicasText()
                  + ")"));
    }
    int largest = allowed.last();
    return Optional.of(
        new Clamp(
            ClampReason.ABOVE_LARGEST_ALLOWED,
            proposed,
            largest,
            proposed
                + " is above the largest allowed size "
                + largest
                + " (allowed sizes are "
                + policy.allowedReplicasText()
                + ")"));
  }
}
