package dev.ballast.core.policy;

import dev.ballast.core.plan.Stage;
import dev.ballast.core.port.DataPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The stateful rules of one cluster: size bounds, allowed sizes, whether it may shrink, what
 * happens to a removed member's data, the quorum guard, stage timeouts and retries, and what the
 * autoscaler does when metrics are missing. Build it with {@link #builder()}, which applies every
 * default in one place; the constructor rejects an invalid policy with every problem at once.
 *
 * <p>{@code allowedReplicas} empty means any size within the bounds. {@code drainTimeout} limits
 * the wait for a drain (stage {@link Stage#DRAINED}); {@code timeouts} limit the other stages.
 * {@code maxAttempts} is how often a failing action stage runs before the step fails, at least
 * {@code retryBackoff} apart. {@code nodes} are the rules that depend on nodes (size by node count,
 * one member per node).
 */
public record ScalingPolicy(
    int minReplicas,
    int maxReplicas,
    SortedSet<Integer> allowedReplicas,
    ShrinkPolicy shrink,
    DataPolicy dataPolicy,
    QuorumGuard quorumGuard,
    StageTimeouts timeouts,
    Duration drainTimeout,
    int maxAttempts,
    Duration retryBackoff,
    OnMetricFailure onMetricFailure,
    NodeRules nodes) {

  public static final int DEFAULT_MIN_REPLICAS = 1;
  public static final ShrinkPolicy DEFAULT_SHRINK = ShrinkPolicy.ALLOWED;
  public static final DataPolicy DEFAULT_DATA_POLICY = DataPolicy.RETAIN;
  public static final QuorumGuard DEFAULT_QUORUM_GUARD = QuorumGuard.MAJORITY;
  public static final Duration DEFAULT_STAGE_TIMEOUT = Duration.ofMinutes(2);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofMinutes(10);
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(2);
  public static final OnMetricFailure DEFAULT_ON_METRIC_FAILURE = OnMetricFailure.HOLD;

  public ScalingPolicy {
    List<String> problems =
        problems(
            minReplicas,
            maxReplicas,
            allowedReplicas,
            shrink,
            dataPolicy,
            quorumGuard,
            timeouts,
            drainTimeout,
            maxAttempts,
            retryBackoff,
            onMetricFailure);
    if (!problems.isEmpty()) {
      throw new PolicyValidationException(problems);
    }
    allowedReplicas = Collections.unmodifiableSortedSet(new TreeSet<>(allowedReplicas));
    nodes = nodes == null ? NodeRules.none() : nodes;
  }

  /** The same policy with the node count the runtime reports now (see {@link NodeRules}). */
  public ScalingPolicy withSchedulableNodes(int count) {
    return new ScalingPolicy(
        minReplicas,
        maxReplicas,
        allowedReplicas,
        shrink,
        dataPolicy,
        quorumGuard,
        timeouts,
        drainTimeout,
        maxAttempts,
        retryBackoff,
        onMetricFailure,
        nodes.withSchedulableNodes(count));
  }

  /** A builder with nothing set: every field left unset takes its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The timeout of {@code stage}: {@link #drainTimeout} for the drain wait, else per stage. */
  public Duration timeout(Stage stage) {
    return stage == Stage.DRAINED ? drainTimeout : timeouts.forStage(stage);
  }

  /** Whether {@code replicas} is a size this policy allows (bounds and allowed sizes). */
  public boolean allows(int replicas) {
    return replicas >= minReplicas
        && replicas <= maxReplicas
        && (allowedReplicas.isEmpty() || allowedReplicas.contains(replicas));
  }

  /** The allowed sizes as "3, 5, 7". */
  public String allowedReplicasText() {
    return allowedReplicas.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static List<String> problems(
      int min,
      int max,
      SortedSet<Integer> allowed,
      ShrinkPolicy shrink,
      DataPolicy dataPolicy,
      QuorumGuard quorumGuard,
      StageTimeouts timeouts,
      Duration drainTimeout,
      int maxAttempts,
      Duration retryBackoff,
      OnMetricFailure onMetricFailure) {
    List<String> problems = new ArrayList<>();
    if (min < 1) {
      problems.add("minReplicas: must be at least 1, was " + min + "; set it to 1 or more");
    }
    if (max < min) {
      problems.add(
          "maxReplicas: must be at least minReplicas ("
              + min
              + "), was "
              + max
              + "; raise maxReplicas or lower minReplicas");
    }
    if (allowed == null) {
      problems.add("allowedReplicas: required (empty means any size)");
    } else {
      for (Integer size : allowed) {
        if (size == null || size < min || size > max) {
          problems.add(
              "allowedReplicas: "
                  + size
                  + " is outside minReplicas..maxReplicas ("
                  + min
                  + ".."
                  + max
                  + "); remove it or widen the bounds");
        }
      }
    }
    requireNonNull(problems, shrink, "shrink", "Allowed or Disabled");
    requireNonNull(problems, dataPolicy, "dataPolicy", "Delete or Retain");
    requireNonNull(problems, quorumGuard, "quorumGuard", "Majority or None");
    requireNonNull(problems, onMetricFailure, "onMetricFailure", "Hold or ScaleToMax");
    if (timeouts == null) {
      problems.add("timeouts: required");
    } else {
      requirePositive(problems, timeouts.defaultTimeout(), "timeouts.default");
      for (Map.Entry<Stage, Duration> e : new java.util.TreeMap<>(timeouts.byStage()).entrySet()) {
        requirePositive(
            problems,
            e.getValue(),
            "timeouts." + e.getKey().name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    requirePositive(problems, drainTimeout, "drainTimeout");
    if (maxAttempts < 1) {
      problems.add("maxAttempts: must be at least 1, was " + maxAttempts + "; set it to 1 or more");
    }
    if (retryBackoff == null || retryBackoff.isNegative()) {
      problems.add("retryBackoff: must be zero or positive, was " + retryBackoff);
    }
    return problems;
  }

  private static void requireNonNull(List<String> problems, Object value, String field, String of) {
    if (value == null) {
      problems.add(field + ": required; set it to " + of);
    }
  }

  private static void requirePositive(List<String> problems, Duration d, String field) {
    if (d == null || d.isZero() || d.isNegative()) {
      problems.add(field + ": must be a positive duration, was " + d + "; for example 2m or 30s");
    }
  }

  /**
   * Collects a policy from optional inputs (a cluster file, CRD fields, CLI flags); {@link
   * #build()} applies the defaults of every unset field in one place.
   */
  public static final class Builder {
    private Integer minReplicas;
    private Integer maxReplicas;
    private Collection<Integer> allowedReplicas;
    private ShrinkPolicy shrink;
    private DataPolicy dataPolicy;
    private QuorumGuard quorumGuard;
    private StageTimeouts timeouts;
    private Duration drainTimeout;
    private Integer maxAttempts;
    private Duration retryBackoff;
    private OnMetricFailure onMetricFailure;
    private NodeRules nodes;

    private Builder() {}

    public Builder nodes(NodeRules value) {
      this.nodes = value;
      return this;
    }

    public Builder minReplicas(Integer value) {
      this.minReplicas = value;
      return this;
    }

    public Builder maxReplicas(Integer value) {
      this.maxReplicas = value;
      return this;
    }

    public Builder allowedReplicas(Collection<Integer> value) {
      this.allowedReplicas = value;
      return this;
    }

    public Builder shrink(ShrinkPolicy value) {
      this.shrink = value;
      return this;
    }

    public Builder dataPolicy(DataPolicy value) {
      this.dataPolicy = value;
      return this;
    }

    public Builder quorumGuard(QuorumGuard value) {
      this.quorumGuard = value;
      return this;
    }

    public Builder timeouts(StageTimeouts value) {
      this.timeouts = value;
      return this;
    }

    public Builder drainTimeout(Duration value) {
      this.drainTimeout = value;
      return this;
    }

    public Builder maxAttempts(Integer value) {
      this.maxAttempts = value;
      return this;
    }

    public Builder retryBackoff(Duration value) {
      this.retryBackoff = value;
      return this;
    }

    public Builder onMetricFailure(OnMetricFailure value) {
      this.onMetricFailure = value;
      return this;
    }

    /** Every problem of the policy this builder would build; empty when it is valid. */
    public List<String> validate() {
      try {
        build();
        return List.of();
      } catch (PolicyValidationException e) {
        return e.problems();
      }
    }

    /**
     * The policy with every unset field at its default: the one place defaults are applied. {@code
     * maxReplicas} defaults to the largest allowed size and is required without one.
     *
     * @throws PolicyValidationException with every problem at once
     */
    public ScalingPolicy build() {
      SortedSet<Integer> allowed = new TreeSet<>();
      List<String> problems = new ArrayList<>();
      if (allowedReplicas != null) {
        for (Integer size : allowedReplicas) {
          if (size == null) {
            problems.add("allowedReplicas: contains an empty entry; list sizes such as [3, 5, 7]");
          } else {
            allowed.add(size);
          }
        }
      }
      int min = minReplicas != null ? minReplicas : DEFAULT_MIN_REPLICAS;
      int max;
      if (maxReplicas != null) {
        max = maxReplicas;
      } else if (!allowed.isEmpty()) {
        max = allowed.last();
      } else {
        problems.add("maxReplicas: required; set the largest size Ballast may scale to");
        max = min;
      }
      ScalingPolicy policy;
      try {
        policy =
            new ScalingPolicy(
                min,
                max,
                allowed,
                shrink != null ? shrink : DEFAULT_SHRINK,
                dataPolicy != null ? dataPolicy : DEFAULT_DATA_POLICY,
                quorumGuard != null ? quorumGuard : DEFAULT_QUORUM_GUARD,
                timeouts != null ? timeouts : StageTimeouts.uniform(DEFAULT_STAGE_TIMEOUT),
                drainTimeout != null ? drainTimeout : DEFAULT_DRAIN_TIMEOUT,
                maxAttempts != null ? maxAttempts : DEFAULT_MAX_ATTEMPTS,
                retryBackoff != null ? retryBackoff : DEFAULT_RETRY_BACKOFF,
                onMetricFailure != null ? onMetricFailure : DEFAULT_ON_METRIC_FAILURE,
                nodes != null ? nodes : NodeRules.none());
      } catch (PolicyValidationException e) {
        problems.addAll(e.problems());
        throw new PolicyValidationException(problems);
      }
      if (!problems.isEmpty()) {
        throw new PolicyValidationException(problems);
      }
      return policy;
    }
  }
}
