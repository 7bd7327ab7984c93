package dev.ballast.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * {@code spec.verticalAdvice}: CPU and memory requests per container from the pods' observed usage
 * (metrics.k8s.io PodMetrics), as the Vertical Pod Autoscaler's recommender computes them, written
 * to {@code status.verticalAdvice} and never applied. The fields are the core's {@code
 * VerticalSettings}, with its defaults (the VPA recommender's).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.lowerPercentile) ? self.lowerPercentile : 0.5)"
            + " <= (has(self.targetPercentile) ? self.targetPercentile : 0.9)",
    message = "lowerPercentile must be less than or equal to targetPercentile (defaults 0.5, 0.9)",
    fieldPath = ".lowerPercentile")
@ValidationRule(
    value =
        "(has(self.targetPercentile) ? self.targetPercentile : 0.9)"
            + " <= (has(self.upperPercentile) ? self.upperPercentile : 0.95)",
    message =
        "upperPercentile must be greater than or equal to targetPercentile (defaults 0.95, 0.9)",
    fieldPath = ".upperPercentile")
public class VerticalAdvice {
  /** A Kubernetes quantity such as {@code 25m}, {@code 0.5}, {@code 250Mi} or {@code 1G}. */
  static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$";

  @JsonPropertyDescription("Observe and advise (default true once the section is given).")
  public Boolean enabled;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("The usage percentile (0..1] the target request covers (default 0.9).")
  public Double targetPercentile;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("The percentile of the lower bound (default 0.5).")
  public Double lowerPercentile;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("The percentile of the upper bound (default 0.95).")
  public Double upperPercentile;

  @Min(0)
  @JsonPropertyDescription("Added to each percentile: 0.15 (default) is +15%.")
  public Double safetyMargin;

  @Pattern(QUANTITY)
  @JsonPropertyDescription("The smallest cpu advised, a quantity (default 25m).")
  public String minCpu;

  @Pattern(QUANTITY)
  @JsonPropertyDescription("The smallest memory advised, a quantity (default 250Mi).")
  public String minMemory;

  @Pattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")
  @JsonPropertyDescription(
      "A sample loses half its weight every halfLife (default 24h). Changing it starts the"
          + " histograms over.")
  public String halfLife;
}
