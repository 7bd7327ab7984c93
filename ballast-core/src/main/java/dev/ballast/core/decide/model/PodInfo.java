package dev.ballast.core.decide.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the HPA reads of one selected pod: name, phase, whether it is being deleted, start time, its
 * {@code Ready} condition, the resource requests of its containers (restartable init containers
 * included) and the pod-level requests ({@code spec.resources.requests}, often empty), all in
 * milli-units.
 */
public record PodInfo(
    String name,
    Phase phase,
    boolean deleting,
    Instant startTime,
    ReadyCondition ready,
    List<ContainerRequests> containers,
    Map<String, Long> podRequestsMilli) {

  /** The pod phases of core/v1. */
  public enum Phase {
    PENDING("Pending"),
    RUNNING("Running"),
    SUCCEEDED("Succeeded"),
    FAILED("Failed"),
    UNKNOWN("Unknown");

    private final String apiName;

    Phase(String apiName) {
      this.apiName = apiName;
    }

    public String apiName() {
      return apiName;
    }
  }

  /**
   * The pod's {@code Ready} condition: its status (True/False/Unknown) and when it last changed.
   */
  public record ReadyCondition(Status status, Instant lastTransitionTime) {
    /** A condition status of the Kubernetes API. */
    public enum Status {
      TRUE,
      FALSE,
      UNKNOWN
    }

    public ReadyCondition {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(lastTransitionTime, "lastTransitionTime");
    }

    public static ReadyCondition ready(Instant since) {
      return new ReadyCondition(Status.TRUE, since);
    }

    public static ReadyCondition notReady(Instant since) {
      return new ReadyCondition(Status.FALSE, since);
    }
  }

  /** One container's resource requests, by resource name, in milli-units. */
  public record ContainerRequests(String name, Map<String, Long> requestsMilli) {
    public ContainerRequests {
      Objects.requireNonNull(name, "name");
      requestsMilli = Map.copyOf(requestsMilli);
    }
  }

  public PodInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(phase, "phase");
    containers = List.copyOf(containers);
    podRequestsMilli = podRequestsMilli == null ? Map.of() : Map.copyOf(podRequestsMilli);
  }

  /** A pod without pod-level requests. */
  public PodInfo(
      String name,
      Phase phase,
      boolean deleting,
      Instant startTime,
      ReadyCondition ready,
      List<ContainerRequests> containers) {
    this(name, phase, deleting, startTime, ready, containers, Map.of());
  }

  /**
   * A running pod, ready since {@code startTime}, with one container named {@code app} whose
   * requests are given in milli-units (e.g. {@code Map.of("cpu", 500L)} for 500m).
   */
  public static PodInfo running(String name, Instant startTime, Map<String, Long> requestsMilli) {
    return new PodInfo(
        name,
        Phase.RUNNING,
        false,
        startTime,
        ReadyCondition.ready(startTime),
        List.of(new ContainerRequests("app", requestsMilli)));
  }

  /** A running, ready pod without resource requests (enough for Pods/Object/External metrics). */
  public static PodInfo running(String name, Instant startTime) {
    return running(name, startTime, Map.of());
  }

  /** A pending pod (not started yet). */
  public static PodInfo pending(String name, Map<String, Long> requestsMilli) {
    return new PodInfo(
        name,
        Phase.PENDING,
        false,
        null,
        null,
        List.of(new ContainerRequests("app", requestsMilli)));
  }

  public PodInfo withPhase(Phase value) {
    return new PodInfo(name, value, deleting, startTime, ready, containers, podRequestsMilli);
  }

  public PodInfo withDeleting(boolean value) {
    return new PodInfo(name, phase, value, startTime, ready, containers, podRequestsMilli);
  }

  public PodInfo withReady(ReadyCondition value) {
    return new PodInfo(name, phase, deleting, startTime, value, containers, podRequestsMilli);
  }

  public PodInfo withStartTime(Instant value) {
    return new PodInfo(name, phase, deleting, value, ready, containers, podRequestsMilli);
  }

  public PodInfo withContainers(List<ContainerRequests> value) {
    return new PodInfo(name, phase, deleting, startTime, ready, value, podRequestsMilli);
  }

  /** The same pod with pod-level requests ({@code spec.resources.requests}). */
  public PodInfo withPodRequests(Map<String, Long> value) {
    return new PodInfo(name, phase, deleting, startTime, ready, containers, value);
  }

  /** True when pod-level requests name cpu or memory: the HPA then uses them for requests. */
  public boolean hasPodLevelRequests() {
    return podRequestsMilli.containsKey("cpu") || podRequestsMilli.containsKey("memory");
  }

  /** Running and Ready=True: the pods the Object and External value calculation counts. */
  public boolean isRunningAndReady() {
    return phase == Phase.RUNNING && ready != null && ready.status() == ReadyCondition.Status.TRUE;
  }
}
