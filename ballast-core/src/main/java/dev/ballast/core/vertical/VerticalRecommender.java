package dev.ballast.core.vertical;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per-member and whole-component CPU and memory requests from usage samples, as the VPA recommender
 * computes them: one decaying CPU and one memory histogram per member (and one over all members,
 * which is what the VPA recommends for the containers of one workload), then each percentile plus
 * the safety margin, raised to the minimums. Pure: samples in, advice out.
 */
public final class VerticalRecommender {
  private final VerticalSettings settings;

  public VerticalRecommender(VerticalSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** One observation of one member: cores in use and resident memory in bytes at {@code time}. */
  public record Sample(int ordinal, Instant time, double cpuCores, double memoryBytes) {}

  /** A request with its bounds, in cores or bytes. */
  public record Estimate(double target, double lower, double upper) {}

  /** The advice for one member ({@code ordinal} empty: every member together). */
  public record Advice(Integer ordinal, int samples, Estimate cpu, Estimate memory) {}

  /** The advice per member (in ordinal order) and for all members together. */
  public record Recommendation(List<Advice> members, Advice all, VerticalSettings settings) {}

  public Recommendation recommend(List<Sample> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no usage sample to recommend from");
    }
    Instant reference = samples.stream().map(Sample::time).min(Instant::compareTo).orElseThrow();
    Map<Integer, List<Sample>> byMember = new TreeMap<>();
    for (Sample s : samples) {
      byMember.computeIfAbsent(s.ordinal(), o -> new ArrayList<>()).add(s);
    }
    List<Advice> members = new ArrayList<>();
    byMember.forEach((ordinal, list) -> members.add(advise(ordinal, list, reference)));
    return new Recommendation(members, advise(null, samples, reference), settings);
  }

  private Advice advise(Integer ordinal, List<Sample> samples, Instant reference) {
    DecayingHistogram cpu = DecayingHistogram.cpu(settings.halfLife(), reference);
    DecayingHistogram memory = DecayingHistogram.memory(settings.halfLife(), reference);
    for (Sample s : samples) {
      // The VPA weighs a CPU sample by the request it ran under; local members have none: 1.
      cpu.add(s.cpuCores(), 1.0, s.time());
      memory.add(s.memoryBytes(), 1.0, s.time());
    }
    return new Advice(ordinal, samples.size(), cpuEstimate(cpu), memoryEstimate(memory));
  }

  /** The CPU request and bounds (cores) of a histogram filled elsewhere (the operator's). */
  public Estimate cpuEstimate(DecayingHistogram cpu) {
    return estimate(cpu, settings.minCpuCores());
  }

  /** The memory request and bounds (bytes) of a histogram filled elsewhere (the operator's). */
  public Estimate memoryEstimate(DecayingHistogram memory) {
    return estimate(memory, settings.minMemoryBytes());
  }

  private Estimate estimate(DecayingHistogram h, double minimum) {
    return new Estimate(
        withMargin(h.percentile(settings.targetPercentile()), minimum),
        withMargin(h.percentile(settings.lowerPercentile()), minimum),
        withMargin(h.percentile(settings.upperPercentile()), minimum));
  }

  /* request = max(minimum, percentile * (1 + safetyMargin)) */
  private double withMargin(double value, double minimum) {
    return Math.max(minimum, value * (1 + settings.safetyMargin()));
  }
}
