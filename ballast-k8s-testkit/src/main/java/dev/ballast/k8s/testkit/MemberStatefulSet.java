package dev.ballast.k8s.testkit;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.List;
import java.util.Map;

/**
 * The parts every member StatefulSet fixture shares, as a user would write them: a headless Service
 * {@code <name>-hs} publishing not-ready addresses (the members find each other before they are
 * Ready) on the members' client port, and a StatefulSet of one container with named ports,
 * environment, resource requests and a {@code data} volume claim per member mounted at {@code
 * /data}. A fixture of one system ({@code EtcdStatefulSet}, {@code ZooKeeperStatefulSet}) says only
 * its container ({@link #template}) and its client port.
 */
public abstract class MemberStatefulSet {

  private final String namespace;
  private final String name;

  /** A StatefulSet {@code name} in {@code namespace}, its pods labelled {@code app=name}. */
  protected MemberStatefulSet(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
  }

  public final String name() {
    return name;
  }

  public final String namespace() {
    return namespace;
  }

  /** The headless Service giving the pods their DNS names. */
  public final String serviceName() {
    return name + "-hs";
  }

  /** The port the headless Service publishes: the members' client port. */
  public abstract int clientPort();

  /** The name of {@link #clientPort()} in the container's ports. */
  protected abstract String clientPortName();

  /** The StatefulSet's container and pod management, for {@link #statefulSet()}. */
  protected abstract Template template();

  /** The headless Service and the StatefulSet, in the order to create them. */
  public final List<HasMetadata> resources() {
    return List.of(service(), statefulSet());
  }

  public final Service service() {
    return headlessService(namespace, name, serviceName(), clientPortName(), clientPort());
  }

  public final StatefulSet statefulSet() {
    return statefulSet(template());
  }

  /** The headless Service {@code service} of the pods labelled {@code app=name}. */
  public static Service headlessService(
      String namespace, String name, String service, String portName, int port) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(service)
        .withNamespace(namespace)
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .addToSelector("app", name)
        .addNewPort()
        .withName(portName)
        .withPort(port)
        .endPort()
        .endSpec()
        .build();
  }

  /** What varies between the member StatefulSets: the container and the pod management. */
  public record Template(
      String namespace,
      String name,
      String service,
      int replicas,
      String podManagementPolicy,
      String container,
      String image,
      Map<String, Integer> ports,
      List<EnvVar> env,
      String cpuRequest) {}

  /** The StatefulSet of {@code t}, its pods labelled {@code app=name}. */
  public static StatefulSet statefulSet(Template t) {
    List<ContainerPort> ports =
        t.ports().entrySet().stream()
            .map(
                e ->
                    new ContainerPortBuilder()
                        .withName(e.getKey())
                        .withContainerPort(e.getValue())
                        .build())
            .toList();
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(t.name())
        .withNamespace(t.namespace())
        .addToLabels("app", t.name())
        .endMetadata()
        .withNewSpec()
        .withReplicas(t.replicas())
        .withServiceName(t.service())
        .withPodManagementPolicy(t.podManagementPolicy())
        .withNewSelector()
        .addToMatchLabels("app", t.name())
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", t.name())
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(10L)
        .addNewContainer()
        .withName(t.container())
        .withImage(t.image())
        .withPorts(ports)
        .withEnv(t.env())
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity(t.cpuRequest()), "memory", new Quantity("128Mi")))
        .endResources()
        .addNewVolumeMount()
        .withName("data")
        .withMountPath("/data")
        .endVolumeMount()
        .endContainer()
        .endSpec()
        .endTemplate()
        .addNewVolumeClaimTemplate()
        .withNewMetadata()
        .withName("data")
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity("1Gi")))
        .endResources()
        .endSpec()
        .endVolumeClaimTemplate()
        .endSpec()
        .build();
  }
}
