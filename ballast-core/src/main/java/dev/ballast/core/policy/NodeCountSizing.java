package dev.ballast.core.policy;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A component whose size follows the number of schedulable nodes rather than a metric, as a storage
 * system's meta servers do ("5 or more nodes: 5 meta servers, else 3"): the first tier (largest
 * {@code atLeast} first) whose node count is reached gives the size, else {@code otherwise}.
 */
public record NodeCountSizing(List<Tier> tiers, int otherwise) {

  /** {@code replicas} members from {@code atLeast} nodes on. */
  public record Tier(int atLeast, int replicas) {
    public Tier {
      if (atLeast < 1 || replicas < 1) {
        throw new IllegalArgumentException(
            "a tier needs atLeast >= 1 and replicas >= 1, was " + atLeast + " and " + replicas);
      }
    }
  }

  public NodeCountSizing {
    Objects.requireNonNull(tiers, "tiers");
    tiers = tiers.stream().sorted(Comparator.comparingInt(Tier::atLeast).reversed()).toList();
    if (otherwise < 1) {
      throw new IllegalArgumentException("otherwise must be >= 1, was " + otherwise);
    }
  }

  /** The size for {@code nodes} schedulable nodes. */
  public int sizeFor(int nodes) {
    return tiers.stream()
        .filter(t -> nodes >= t.atLeast())
        .findFirst()
        .map(Tier::replicas)
        .orElse(otherwise);
  }

  /** For messages: "5 or more nodes -> 5, else 3". */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (Tier t : tiers) {
      out.append(t.atLeast()).append(" or more nodes -> ").append(t.replicas()).append(", ");
    }
    return out.append("else ").append(otherwise).toString();
  }
}
