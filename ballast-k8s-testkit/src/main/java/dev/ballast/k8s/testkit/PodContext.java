package dev.ballast.k8s.testkit;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a {@link PodRunner} gets to start one pod's member: the pod, the loopback address the agent
 * gave it, its resolved environment (values, field references, ConfigMap and Secret keys), the
 * folder of its data volume (kept with its PVC), the agent's hosts file (pod names and their DNS
 * names to addresses), its siblings (the other running pods of the same owner) and the data of
 * ConfigMaps of its namespace (as an entrypoint reading the API would see them).
 */
public record PodContext(
    Pod pod,
    String ip,
    Map<String, String> env,
    Path dataDir,
    Path workDir,
    Path hostsFile,
    Supplier<List<PeerPod>> siblings,
    Function<String, String> addressOfPod,
    Function<String, Optional<Map<String, String>>> configMapData) {

  /** Another pod of the same owner with the address it runs on. */
  public record PeerPod(Pod pod, String ip) {
    public String name() {
      return pod.getMetadata().getName();
    }

    public int ordinal() {
      return PodContext.ordinalOf(pod);
    }
  }

  public String name() {
    return pod.getMetadata().getName();
  }

  public String namespace() {
    return pod.getMetadata().getNamespace();
  }

  /** The pod's host name: {@code spec.hostname}, else its name (as a kubelet sets it). */
  public String hostname() {
    return Optional.ofNullable(pod.getSpec().getHostname()).orElse(name());
  }

  /**
   * The DNS name of a pod of this one's subdomain (its StatefulSet's headless Service): {@code
   * NAME.SUBDOMAIN.NAMESPACE.svc} (the agent's hosts file also has the {@code .cluster.local}
   * form), or the bare name without a subdomain.
   */
  public String dnsName(String podName) {
    String sub = pod.getSpec().getSubdomain();
    return sub == null ? podName : podName + "." + sub + "." + namespace() + ".svc";
  }

  /** The data of ConfigMap {@code name} in the pod's namespace, if it exists now. */
  public Optional<Map<String, String>> configMap(String name) {
    return configMapData.apply(name);
  }

  /** The StatefulSet ordinal of this pod. */
  public int ordinal() {
    return ordinalOf(pod);
  }

  /** The name of the pod with {@code ordinal} in the same StatefulSet ({@code <set>-<ordinal>}). */
  public String siblingName(int ordinal) {
    String n = name();
    return n.substring(0, n.lastIndexOf('-') + 1) + ordinal;
  }

  /**
   * The loopback address of the pod named {@code podName} in this namespace, reserved now if that
   * pod does not run yet: the same pod name always gets the same address, as its DNS name stays.
   */
  public String addressOf(String podName) {
    return addressOfPod.apply(podName);
  }

  /**
   * The launch settings the operator wrote for this pod's ordinal: keys {@code
   * member-<ordinal>.<setting>} of ConfigMap {@code <set>-ballast-launch} (which the example
   * StatefulSets mount), without that prefix; empty when there are none.
   */
  public Map<String, String> launchSettings() {
    String set = name().substring(0, name().lastIndexOf('-'));
    String prefix = "member-" + ordinal() + ".";
    Map<String, String> settings = new java.util.HashMap<>();
    configMap(set + "-ballast-launch")
        .orElse(Map.of())
        .forEach(
            (k, v) -> {
              if (k.startsWith(prefix)) {
                settings.put(k.substring(prefix.length()), v);
              }
            });
    return settings;
  }

  /**
   * The container port named {@code names[0]} (or one of its aliases).
   *
   * @throws IllegalArgumentException naming the pod and the port when none is declared
   */
  public int requiredPort(String... names) {
    return containerPort(names)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "pod "
                        + name()
                        + " declares no container port named "
                        + String.join(" or ", names)));
  }

  /**
   * The number in environment variable {@code name}, or {@code otherwise} when it is unset.
   *
   * @throws IllegalArgumentException naming the variable and the pod when it is not a number
   */
  public int envInt(String name, int otherwise) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return otherwise;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " of pod " + name() + " must be a number, was '" + v + "'");
    }
  }

  /** The first container (the member). */
  public Container container() {
    return pod.getSpec().getContainers().get(0);
  }

  /** The container port named {@code name} (or any of its aliases), if declared. */
  public Optional<Integer> containerPort(String... names) {
    List<ContainerPort> ports = Optional.ofNullable(container().getPorts()).orElse(List.of());
    for (String n : names) {
      for (ContainerPort p : ports) {
        if (n.equals(p.getName())) {
          return Optional.of(p.getContainerPort());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A StatefulSet pod's ordinal: its {@code apps.kubernetes.io/pod-index} label, else the number
   * after the last '-' of its name.
   */
  public static int ordinalOf(Pod pod) {
    Map<String, String> labels =
        Optional.ofNullable(pod.getMetadata().getLabels()).orElse(Map.of());
    String index = labels.get("apps.kubernetes.io/pod-index");
    String name = pod.getMetadata().getName();
    String text = index != null ? index : name.substring(name.lastIndexOf('-') + 1);
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("pod " + name + " has no StatefulSet ordinal", e);
    }
  }
}
