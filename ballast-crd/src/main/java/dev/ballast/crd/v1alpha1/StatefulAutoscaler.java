package dev.ballast.crd.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A {@code ballast.dev/v1alpha1} StatefulAutoscaler: keeps a stateful workload (a StatefulSet, a
 * Deployment or any resource with a {@code /scale} subresource) at the size its metrics need, and
 * changes that size one member at a time through the application's membership protocol. It has its
 * own {@code /scale} subresource ({@code spec.replicas}), so {@code kubectl scale}, an HPA or KEDA
 * can drive it while Ballast keeps each change safe.
 */
@Group(StatefulAutoscaler.GROUP)
@Version(StatefulAutoscaler.VERSION)
@Kind("StatefulAutoscaler")
@Plural("statefulautoscalers")
@Singular("statefulautoscaler")
@ShortNames("sas")
@AdditionalPrinterColumn(
    name = "Reference",
    jsonPath = ".status.reference",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Targets",
    jsonPath = ".status.targets",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "MinPods",
    jsonPath = ".spec.minReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "MaxPods",
    jsonPath = ".spec.maxReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".status.replicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class StatefulAutoscaler
    extends CustomResource<StatefulAutoscalerSpec, StatefulAutoscalerStatus> implements Namespaced {
  private static final long serialVersionUID = 1L;

  public static final String GROUP = "ballast.dev";
  public static final String VERSION = "v1alpha1";

  /** The CRD's name, as the API server knows it. */
  public static final String CRD_NAME = "statefulautoscalers." + GROUP;

  /** Set to {@code "true"} to pause: the operator records the pause and changes nothing. */
  public static final String PAUSE_ANNOTATION = GROUP + "/paused";

  /** Whether the pause annotation is set to {@code true}. */
  public boolean paused() {
    var annotations = getMetadata() == null ? null : getMetadata().getAnnotations();
    return annotations != null && "true".equalsIgnoreCase(annotations.get(PAUSE_ANNOTATION));
  }
}
