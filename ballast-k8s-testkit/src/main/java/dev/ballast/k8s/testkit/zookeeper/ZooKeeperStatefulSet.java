package dev.ballast.k8s.testkit.zookeeper;

import dev.ballast.k8s.testkit.FreePorts;
import dev.ballast.k8s.testkit.MemberStatefulSet;
import dev.ballast.members.zookeeper.ZooKeeperServerConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: a ZooKeeper StatefulSet as a user would write it (headless Service, named container
 * ports, a {@code data} volume claim per member, resource requests), with free ports so that
 * several test runs can share the machine. {@link ZooKeeperPodRunner} runs its pods.
 */
public final class ZooKeeperStatefulSet extends MemberStatefulSet {

  private int replicas = 3;
  private int bootstrapSize = 3;
  private String podManagementPolicy = "Parallel";
  private String cpuRequest = "100m";
  private final int clientPort = FreePorts.next();
  private final int quorumPort = FreePorts.next();
  private final int electionPort = FreePorts.next();

  private ZooKeeperStatefulSet(String namespace, String name) {
    super(namespace, name);
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

  @Override
  public int clientPort() {
    return clientPort;
  }

  public int quorumPort() {
    return quorumPort;
  }

  public int electionPort() {
    return electionPort;
  }

  @Override
  protected String clientPortName() {
    return ZooKeeperServerConfig.CLIENT_PORT;
  }

  @Override
  protected Template template() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put(ZooKeeperServerConfig.CLIENT_PORT, clientPort);
    ports.put(ZooKeeperServerConfig.QUORUM_PORT, quorumPort);
    ports.put(ZooKeeperServerConfig.ELECTION_PORT, electionPort);
    return new Template(
        namespace(),
        name(),
        serviceName(),
        replicas,
        podManagementPolicy,
        "zookeeper",
        "zookeeper:3.9",
        ports,
        List.of(
            new EnvVar(
                ZooKeeperPodRunner.BOOTSTRAP_SIZE_ENV, Integer.toString(bootstrapSize), null)),
        cpuRequest);
  }
}
