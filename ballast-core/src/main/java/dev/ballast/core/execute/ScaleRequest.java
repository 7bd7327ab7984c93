package dev.ballast.core.execute;

import dev.ballast.core.history.Trigger;
import java.util.List;
import java.util.Objects;

/**
 * A request to change the cluster to {@code replicas} members, with who asked and why (for the
 * autoscaler: the decision's clamps and numbers).
 */
public record ScaleRequest(int replicas, Trigger trigger, List<String> reasons) {
  public ScaleRequest {
    Objects.requireNonNull(trigger, "trigger");
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
  }

  /** A person's request (the CLI, {@code kubectl scale}). */
  public static ScaleRequest manual(int replicas) {
    return new ScaleRequest(replicas, Trigger.MANUAL, List.of());
  }

  /** The autoscaler's request, after the stateful rules. */
  public static ScaleRequest auto(int replicas, List<String> reasons) {
    return new ScaleRequest(replicas, Trigger.AUTO, reasons);
  }

  /** A rollback to the size before the last completed operation. */
  public static ScaleRequest rollback(int replicas) {
    return new ScaleRequest(replicas, Trigger.ROLLBACK, List.of());
  }
}
