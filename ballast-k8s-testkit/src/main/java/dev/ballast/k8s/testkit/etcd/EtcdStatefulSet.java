package dev.ballast.k8s.testkit.etcd;

import dev.ballast.k8s.testkit.FreePorts;
import dev.ballast.k8s.testkit.MemberStatefulSet;
import dev.ballast.members.etcd.EtcdServerConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: an etcd StatefulSet as a user would write it (headless Service, container ports
 * named {@code client} and {@code peer}, a {@code data} volume claim per member, resource
 * requests), with free ports so that several test runs can share the machine. Its first {@code
 * replicas} pods start together as the initial cluster ({@code Parallel}, as etcd needs a quorum to
 * start). {@link EtcdPodRunner} runs its pods.
 */
public final class EtcdStatefulSet extends MemberStatefulSet {

  private final int replicas;
  private final int clientPort = FreePorts.next();
  private final int peerPort = FreePorts.next();

  private EtcdStatefulSet(String namespace, String name, int replicas) {
    super(namespace, name);
    this.replicas = replicas;
  }

  /** A StatefulSet {@code name} in {@code namespace}: 3 replicas forming the initial cluster. */
  public static EtcdStatefulSet of(String namespace, String name) {
    return new EtcdStatefulSet(namespace, name, 3);
  }

  @Override
  public int clientPort() {
    return clientPort;
  }

  public int peerPort() {
    return peerPort;
  }

  @Override
  protected String clientPortName() {
    return EtcdServerConfig.CLIENT_PORT;
  }

  @Override
  protected Template template() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put(EtcdServerConfig.CLIENT_PORT, clientPort);
    ports.put(EtcdServerConfig.PEER_PORT, peerPort);
    return new Template(
        namespace(),
        name(),
        serviceName(),
        replicas,
        "Parallel",
        "etcd",
        "registry.k8s.io/etcd:3.6",
        ports,
        List.of(new EnvVar(EtcdPodRunner.BOOTSTRAP_SIZE_ENV, Integer.toString(replicas), null)),
        "100m");
  }
}
