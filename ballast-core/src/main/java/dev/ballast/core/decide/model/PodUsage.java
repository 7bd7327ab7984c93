package dev.ballast.core.decide.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code metrics.k8s.io} PodMetrics item: the usage of each container of a pod, by resource, in
 * milli-units, measured over {@code window} ending at {@code timestamp}.
 */
public record PodUsage(
    String pod, Instant timestamp, Duration window, List<ContainerUsage> containers) {

  /** One container's usage by resource name, in milli-units. */
  public record ContainerUsage(String name, Map<String, Long> usageMilli) {
    public ContainerUsage {
      Objects.requireNonNull(name, "name");
      usageMilli = Map.copyOf(usageMilli);
    }
  }

  public PodUsage {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(window, "window");
    containers = List.copyOf(containers);
  }

  /** One container named {@code app} using {@code milli} of {@code resource}. */
  public static PodUsage of(
      String pod, Instant timestamp, Duration window, String resource, long milli) {
    return new PodUsage(
        pod, timestamp, window, List.of(new ContainerUsage("app", Map.of(resource, milli))));
  }
}
