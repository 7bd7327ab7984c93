package dev.ballast.k8s.testkit.zookeeper;

import dev.ballast.k8s.testkit.FreePorts;
import dev.ballast.members.zookeeper.ZooKeeperServerConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: a ZooKeeper StatefulSet as a user would write it (headless Service, named container
 * ports, a {@code data} volume claim per member, resource requests), with free ports so that
 * several test runs can share the machine. {@link ZooKeeperPodRunner} runs its pods.
 */
public final class ZooKeeperStatefulSet {

  private final String namespace;
  private final String name;
  private int replicas = 3;
  private int bootstrapSize = 3;
  private String podManagementPolicy = "Parallel";
  private String cpuRequest = "100m";
  private final int clientPort = FreePorts.next();
  private final int quorumPort = FreePorts.next();
  private final int electionPort = FreePorts.next();

  private ZooKeeperStatefulSet(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
  }

  /** A StatefulSet {@code name} in {@code namespace}: 3 replicas forming the initial ensemble. */
  public static ZooKeeperStatefulSet of(String namespace, String name) {
    return new ZooKeeperStatefulSet(namespace, name);
  }

  public ZooKeeperStatefulSet replicas(int n) {
    this.replicas = n;
    return this;
  }

  /**
   * How many ordinals form the initial ensemble ({@link ZooKeeperPodRunner#BOOTSTRAP_SIZE_ENV}).
   */
  public ZooKeeperStatefulSet bootstrapSize(int n) {
    this.bootstrapSize = n;
    return this;
  }

  /**
   * {@code Parallel} (the default: the initial members must start together to form a quorum) or
   * {@code OrderedReady}.
   */
  public ZooKeeperStatefulSet podManagementPolicy(String policy) {
    this.podManagementPolicy = policy;
    return this;
  }

  public ZooKeeperStatefulSet cpuRequest(String quantity) {
    this.cpuRequest = quantity;
    return this;
  }

  public String name() {
    return name;
  }

  public String namespace() {
    return namespace;
  }

  /** The headless Service giving the pods their DNS names. */
  public String serviceName() {
    return name + "-hs";
  }

  public int clientPort() {
    return clientPort;
  }

  public int quorumPort() {
    return quorumPort;
  }

  public int electionPort() {
    return electionPort;
  }

  /** The headless Service and the StatefulSet, in the order to create them. */
  public List<HasMetadata> resources() {
    return List.of(service(), statefulSet());
  }

  public Service service() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(serviceName())
        .withNamespace(namespace)
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .addToSelector("app", name)
        .addNewPort()
        .withName(ZooKeeperServerConfig.CLIENT_PORT)
        .withPort(clientPort)
        .endPort()
        .endSpec()
        .build();
  }

  public StatefulSet statefulSet() {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName(serviceName())
        .withPodManagementPolicy(podManagementPolicy)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(10L)
        .addNewContainer()
        .withName("zookeeper")
        .withImage("zookeeper:3.9")
        .addNewPort()
        .withName(ZooKeeperServerConfig.CLIENT_PORT)
        .withContainerPort(clientPort)
        .endPort()
        .addNewPort()
        .withName(ZooKeeperServerConfig.QUORUM_PORT)
        .withContainerPort(quorumPort)
        .endPort()
        .addNewPort()
        .withName(ZooKeeperServerConfig.ELECTION_PORT)
        .withContainerPort(electionPort)
        .endPort()
        .addNewEnv()
        .withName(ZooKeeperPodRunner.BOOTSTRAP_SIZE_ENV)
        .withValue(Integer.toString(bootstrapSize))
        .endEnv()
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity(cpuRequest), "memory", new Quantity("128Mi")))
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
