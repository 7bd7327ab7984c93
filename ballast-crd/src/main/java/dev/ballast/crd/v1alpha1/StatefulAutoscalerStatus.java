package dev.ballast.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator observed and did: the target's size and selector (for the {@code /scale}
 * subresource), the desired size, the current metric values, the HPA's conditions plus {@code
 * Progressing} and {@code Degraded}, the in-flight operation's journal (written before each action,
 * so a restarted operator resumes the exact stage) and the most recent history records.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StatefulAutoscalerStatus {
  /** How many history records the status keeps; older ones are dropped (Events keep the rest). */
  public static final int HISTORY_LIMIT = 20;

  @StatusReplicas
  @JsonPropertyDescription("The target's current size (its /scale status.replicas).")
  public Integer replicas;

  @JsonPropertyDescription("The size the last decision asked for.")
  public Integer desiredReplicas;

  @LabelSelector
  @JsonPropertyDescription("The target's pod selector, for the /scale subresource.")
  public String selector;

  @JsonPropertyDescription("The last values read for each metric, in autoscaling/v2 syntax.")
  public List<MetricStatus> currentMetrics;

  @JsonPropertyDescription(
      "AbleToScale, ScalingActive, ScalingLimited (as the HPA's), Progressing, Degraded.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("When the last operation completed.")
  public String lastScaleTime;

  @JsonPropertyDescription("Idle, Scaling, Holding, Paused or Failed.")
  public String phase;

  @JsonPropertyDescription("kind/name of the target, for the printer column.")
  public String reference;

  @JsonPropertyDescription("Each metric's current/target, for the printer column.")
  public String targets;

  @JsonPropertyDescription(
      "The target's replicas as Ballast last wrote or observed them; a different value is an"
          + " external edit.")
  public Integer observedTargetReplicas;

  @JsonPropertyDescription("The in-flight operation's journal (Ballast's own format).")
  public JsonNode operation;

  @JsonPropertyDescription("The most recent history records, oldest first (Ballast's format).")
  public List<JsonNode> history = new ArrayList<>();

  @JsonPropertyDescription(
      "The scale-ahead forecaster's observations, one per completed sample interval within its"
          + " retention (Ballast's own format), so that a new leader rebuilds the same forecast.")
  public JsonNode forecast;

  @JsonPropertyDescription(
      "Per-container CPU and memory requests from observed usage (spec.verticalAdvice), never"
          + " applied, with the histograms' checkpoint.")
  public VerticalAdviceStatus verticalAdvice;

  @JsonPropertyDescription("The metadata.generation this status reflects.")
  public Long observedGeneration;

  @JsonPropertyDescription(
      "The HPA's memory (recommendations for the stabilization windows, scale events for the"
          + " rate policies), so that a new leader keeps their semantics; newest "
          + MEMORY_LIMIT
          + " of each.")
  public HpaMemory hpaMemory;

  /** How many entries of each list of {@link HpaMemory} the status keeps (the newest). */
  public static final int MEMORY_LIMIT = 256;

  /** The HPA controller's memory between syncs, as the status keeps it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HpaMemory {
    @JsonPropertyDescription("Past unstabilized recommendations, oldest first.")
    public List<Entry> recommendations = new ArrayList<>();

    @JsonPropertyDescription("Past scale-ups (replicas added), oldest first.")
    public List<Entry> scaleUpEvents = new ArrayList<>();

    @JsonPropertyDescription("Past scale-downs (replicas removed), oldest first.")
    public List<Entry> scaleDownEvents = new ArrayList<>();
  }

  /** One remembered value: a recommendation's replicas or a scale event's change, and when. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Entry {
    @JsonPropertyDescription("RFC 3339 time.")
    public String time;

    @JsonPropertyDescription("Replicas recommended, or added/removed.")
    public Integer replicas;

    public Entry() {}

    public Entry(String time, Integer replicas) {
      this.time = time;
      this.replicas = replicas;
    }
  }
}
