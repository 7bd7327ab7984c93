package dev.ballast.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code status.verticalAdvice}: per container, the requests the observed usage calls for (target,
 * lower and upper bound, as the VPA's {@code containerRecommendations}) beside the current ones,
 * from how many samples since when; why it did not change at the last sync; and the histograms'
 * checkpoint that a new leader resumes from. Advice only: the operator never applies it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerticalAdviceStatus {
  /** The most containers advised (the first by name); the checkpoint is bounded by it. */
  public static final int CONTAINER_LIMIT = 8;

  @JsonPropertyDescription(
      "Observing (usage is read; the message says whether the last sync added any), Waiting (no"
          + " usage counted yet) or MetricsUnavailable (the advice is the last one, unchanged).")
  public String reason;

  @JsonPropertyDescription("Why, in words (e.g. the metrics API's error).")
  public String message;

  @JsonPropertyDescription("Always false: the advice is never applied.")
  public Boolean applied = false;

  @JsonPropertyDescription("One entry per container (at most " + CONTAINER_LIMIT + "), by name.")
  public List<ContainerAdvice> containers = new ArrayList<>();

  @JsonPropertyDescription(
      "The decaying histograms (Ballast's own format), so that a new leader gives the same advice;"
          + " at most 175 buckets per resource and container.")
  public JsonNode checkpoint;

  /** The advice for one container name, over every member's pod. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ContainerAdvice {
    @JsonPropertyDescription("The container's name.")
    public String containerName;

    @JsonPropertyDescription("The request the usage calls for: cpu and memory.")
    public Map<String, Quantity> target;

    @JsonPropertyDescription("The lower bound: below it the container is likely short.")
    public Map<String, Quantity> lowerBound;

    @JsonPropertyDescription("The upper bound: above it the request is likely wasted.")
    public Map<String, Quantity> upperBound;

    @JsonPropertyDescription("The container's current requests in the pod template.")
    public Map<String, Quantity> requests;

    @JsonPropertyDescription("How many usage samples (one per pod and metrics timestamp).")
    public Long samples;

    @JsonPropertyDescription("The first sample's time (RFC 3339).")
    public String firstSampleTime;

    @JsonPropertyDescription("The newest sample's time (RFC 3339).")
    public String lastSampleTime;
  }
}
