package dev.ballast.operator;

import dev.ballast.core.execute.ScalingEvent;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core/v1 Events on a StatefulAutoscaler with stable reasons: the core's event reasons ({@code
 * ScaledUp}, {@code StepFailed}...) and the operator's own ({@link Reason}). An Event that cannot
 * be written is logged and dropped: reporting never stops an operation.
 */
public final class KubernetesEvents {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesEvents.class);
  private static final AtomicLong SEQUENCE = new AtomicLong();

  /** The operator's own event reasons. Users' alerts match on them: never rename one. */
  public enum Reason {
    METRICS_UNAVAILABLE("MetricsUnavailable", true),
    METRICS_AVAILABLE("MetricsAvailable", false),
    INSUFFICIENT_CAPACITY("InsufficientCapacity", true),
    EXTERNAL_EDIT("ExternalReplicasEdit", true),
    INVALID_SPEC("InvalidSpec", true),
    TARGET_NOT_FOUND("TargetNotFound", true),
    PAUSED("Paused", false),
    HELD("ScalingHeld", false),
    SCALE_FAILED("ScaleFailed", true),
    SCALE_RETRY("ScaleRetry", false),
    CONFLICT("StatusConflict", true),
    WAITING_FOR_SYSTEM("WaitingForSystem", false),
    UNCACHED("TargetNotCached", true),
    NODES_UNCACHED("NodesNotCached", true);

    private final String code;
    private final boolean warning;

    Reason(String code, boolean warning) {
      this.code = code;
      this.warning = warning;
    }

    public String code() {
      return code;
    }

    public boolean warning() {
      return warning;
    }
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final String component;

  public KubernetesEvents(KubernetesClient client, Clock clock, String component) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.component = Objects.requireNonNull(component, "component");
  }

  /** An event of the operator's own. */
  public void emit(StatefulAutoscaler on, Reason reason, String message) {
    emit(on, reason.code(), reason.warning(), message);
  }

  /** An event of the core's execution. */
  public void emit(StatefulAutoscaler on, ScalingEvent event) {
    emit(on, event.reason().code(), event.reason().warning(), event.message());
  }

  private void emit(StatefulAutoscaler on, String reason, boolean warning, String message) {
    String ns = on.getMetadata().getNamespace();
    String now = clock.instant().toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                on.getMetadata().getName()
                    + "."
                    + Long.toHexString(clock.millis())
                    + Long.toHexString(SEQUENCE.incrementAndGet()))
            .withNamespace(ns)
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(on.getApiVersion())
                    .withKind(on.getKind())
                    .withName(on.getMetadata().getName())
                    .withNamespace(ns)
                    .withUid(on.getMetadata().getUid())
                    .build())
            .withReason(reason)
            .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
            .withType(warning ? "Warning" : "Normal")
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(component)
            .endSource()
            .build();
    try {
      client.v1().events().inNamespace(ns).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("action=event reason={} error=\"{}\"", reason, e.getMessage());
    }
  }
}
