package dev.ballast.autoscaler;

import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.ControllerSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What an autoscaling loop evaluates: the {@code metrics} and {@code behavior} ({@code
 * autoscaling/v2} syntax) with the bounds of the scaling policy, the controller settings
 * (Kubernetes' defaults), the sync period, and the cpu each member requests in milli-cores (the
 * divisor of a {@code Resource} cpu utilization: one core for a local process, the pod template's
 * request on Kubernetes), and by container name the cpu of the containers that request it (the
 * divisor of a {@code ContainerResource} cpu utilization; empty for a local process).
 */
public record AutoscaleSpec(
    Autoscaler autoscaler,
    ControllerSettings controller,
    Duration syncPeriod,
    long cpuRequestMilli,
    Map<String, Long> containerCpuRequestMilli) {

  /** How often a loop syncs when its configuration does not say (Kubernetes' HPA default). */
  public static final Duration DEFAULT_SYNC_PERIOD = Duration.ofSeconds(15);

  /** The cpu a local member is taken to request, in milli-cores: one core. */
  public static final long ONE_CORE_MILLI = 1000;

  public AutoscaleSpec {
    Objects.requireNonNull(autoscaler, "autoscaler");
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(syncPeriod, "syncPeriod");
    if (cpuRequestMilli <= 0) {
      throw new IllegalArgumentException("cpuRequestMilli must be > 0, was " + cpuRequestMilli);
    }
    containerCpuRequestMilli = Map.copyOf(containerCpuRequestMilli);
  }

  /** A spec whose members' containers are not told apart (no {@code ContainerResource} request). */
  public AutoscaleSpec(
      Autoscaler autoscaler,
      ControllerSettings controller,
      Duration syncPeriod,
      long cpuRequestMilli) {
    this(autoscaler, controller, syncPeriod, cpuRequestMilli, Map.of());
  }

  /** A spec whose members are taken to request one core each, as local members are. */
  public AutoscaleSpec(Autoscaler autoscaler, ControllerSettings controller, Duration syncPeriod) {
    this(autoscaler, controller, syncPeriod, ONE_CORE_MILLI);
  }
}
