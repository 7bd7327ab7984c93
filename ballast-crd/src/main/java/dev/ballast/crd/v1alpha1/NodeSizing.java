package dev.ballast.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * {@code spec.sizeByNodes}: the size follows the number of schedulable nodes (the storage runbook's
 * "5 or more nodes: 5 meta servers, else 3"); the first tier whose {@code atLeast} the count
 * reaches gives the size, else {@code otherwise}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeSizing {
  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription("Tiers such as [{atLeast: 5, replicas: 5}], the largest first.")
  public List<Tier> tiers;

  @Required
  @Min(1)
  @JsonPropertyDescription("The size when no tier applies.")
  public Integer otherwise;

  /** From {@code atLeast} schedulable nodes on, {@code replicas} members. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Tier {
    @Required
    @Min(1)
    public Integer atLeast;

    @Required
    @Min(1)
    public Integer replicas;
  }
}
