package dev.ballast.local.autoscale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.AutoscalingV2Reader;
import dev.ballast.api.InvalidDocumentException;
import dev.ballast.autoscaler.AutoscaleLoop;
import dev.ballast.autoscaler.AutoscaleSpec;
import dev.ballast.autoscaler.ScaleAheadFeed;
import dev.ballast.autoscaler.SyncEvaluator;
import dev.ballast.core.decide.model.Autoscaler;
import dev.ballast.core.decide.model.ControllerSettings;
import dev.ballast.core.decide.model.MetricSpec;
import dev.ballast.core.execute.ExecutionListener;
import dev.ballast.core.history.AddStepDurations;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.config.ClusterFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * Wires the shared autoscaling loop ({@code ballast-autoscaler}) to a local cluster: its spec read
 * from the cluster file, the members' metric sources, the file history and the state directory's
 * forecast file. The loop itself is the one the Kubernetes operator runs.
 */
public final class LocalAutoscaling {
  private LocalAutoscaling() {}

  /**
   * The loop for a local cluster, wired from its cluster file: the members' metric sources, the
   * scaling engine (reporting to {@code events}), the file history and, when the file enables
   * prediction, scale-ahead kept in the state directory.
   *
   * @throws ClusterFileException when the file's {@code metrics}/{@code behavior} are invalid
   */
  public static AutoscaleLoop loop(
      LocalWiring wiring, ExecutionListener events, AutoscaleLoop.Listener listener)
      throws ClusterFileException {
    return new AutoscaleLoop(
        evaluator(wiring), wiring.controller(events), wiring.history(), wiring.clock(), listener);
  }

  /**
   * The evaluation of a local cluster wired from its cluster file: the members' metric sources, the
   * file history, and scale-ahead rebuilt from the state directory's forecast file (read only when
   * the wiring is), its forecast gate planned with the add steps completed in the file history.
   *
   * @throws ClusterFileException when the file's {@code metrics}/{@code behavior} are invalid
   */
  public static SyncEvaluator evaluator(LocalWiring wiring) throws ClusterFileException {
    AutoscaleSpec spec = spec(wiring.cluster());
    return new SyncEvaluator(
        spec,
        wiring.cluster().policy(),
        wiring.runtime(),
        wiring.membership(),
        LocalMetricSources.forRuntime(
            wiring.runtime(),
            wiring.cluster().member().storageCapacityBytes(),
            wiring.clock(),
            spec.syncPeriod()),
        wiring.history(),
        ScaleAheadFeed.of(
            spec,
            wiring.cluster().prediction(),
            wiring.forecasts(),
            wiring.clock().instant(),
            AddStepDurations.of(wiring.history().list())));
  }

  /**
   * Reads the autoscaling part of a validated cluster file. Local members expose {@code Pods}
   * metrics (read from each member) and {@code Resource} cpu (process CPU, one core requested per
   * member, so 50% utilization is half a core). Every problem is reported with its field, e.g.
   * {@code zookeeper.yaml: spec.metrics[0].pods.target: averageValue must be ...}.
   */
  public static AutoscaleSpec spec(ClusterFile cluster) throws ClusterFileException {

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
    Autoscaler autoscaler =
        new Autoscaler(
            cluster.policy().minReplicas(),
            cluster.policy().maxReplicas(),
            read.metrics(),
            read.behavior(),
            List.of());
    return new AutoscaleSpec(
        autoscaler,
        ControllerSettings.DEFAULTS,
        cluster.syncPeriod(),
        AutoscaleSpec.ONE_CORE_MILLI);
  }
}
