package dev.ballast.local.autoscale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.AutoscalingV2Reader;
import dev.ballast.api.InvalidDocumentException;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.Behavior;
import dev.ballast.core.decide.model.ControllerSettings;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.config.ClusterFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the autoscaling loop of a local cluster evaluates: the cluster file's {@code metrics} and
 * {@code behavior} ({@code autoscaling/v2} syntax) with the bounds of its scaling policy, the
 * controller settings (Kubernetes' defaults), and the sync period. Local members expose {@code
 * Pods} metrics (read from each member) and {@code Resource} cpu (process CPU, one core requested
 * per member, so 50% utilization is half a core).
 */
public record AutoscaleSpec(
    Autoscaler autoscaler, ControllerSettings controller, Duration syncPeriod) {

  /** The cpu a local member is taken to request, in milli-cores: one core. */
  public static final long CPU_REQUEST_MILLI = 1000;

  public AutoscaleSpec {
    Objects.requireNonNull(autoscaler, "autoscaler");
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(syncPeriod, "syncPeriod");
  }

  /**
   * Reads the autoscaling part of a validated cluster file. Every problem is reported with its
   * field, e.g. {@code zookeeper.yaml: spec.metrics[0].pods.target: averageValue must be ...}.
   */
  public static AutoscaleSpec from(ClusterFile cluster) throws ClusterFileException {
    String label = String.valueOf(cluster.file().getFileName());
    ObjectNode spec = JsonNodeFactory.instance.objectNode();
    spec.set("metrics", cluster.metrics());
    JsonNode behavior = cluster.behavior();
    if (!behavior.isNull() && !behavior.isMissingNode()) {
      spec.set("behavior", behavior);
    }
    AutoscalingV2Reader.MetricsAndBehavior read;
    try {
      read = AutoscalingV2Reader.read(spec, "spec");
    } catch (InvalidDocumentException e) {
      throw new ClusterFileException(List.of(label + ": " + e.getMessage()));
    }
    List<String> problems = new ArrayList<>();
    if (read.metrics().isEmpty()) {
      problems.add(
          label
              + ": spec.metrics: the autoscaling loop needs at least one metric, e.g. a Pods"
              + " metric 'rate(zk_packets_received)' with target averageValue");
    }
    for (int i = 0; i < read.metrics().size(); i++) {
      MetricSpec m = read.metrics().get(i);
      boolean local =
          m instanceof MetricSpec.Pods
              || (m instanceof MetricSpec.Resource r && r.resource().equals("cpu"));
      if (!local) {
        problems.add(
            label
                + ": spec.metrics["
                + i
                + "]: "
                + m.type()
                + " "
                + m.name()
                + " cannot be read from local members; use a Pods metric or Resource cpu");
      }
    }
    if (!problems.isEmpty()) {
      throw new ClusterFileException(problems);
    }
    Behavior b = read.behavior();
    Autoscaler autoscaler =
        new Autoscaler(
            cluster.policy().minReplicas(),
            cluster.policy().maxReplicas(),
            read.metrics(),
            b,
            List.of());
    return new AutoscaleSpec(autoscaler, ControllerSettings.DEFAULTS, cluster.syncPeriod());
  }
}
