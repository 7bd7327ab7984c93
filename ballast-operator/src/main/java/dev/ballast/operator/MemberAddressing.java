package dev.ballast.operator;

import dev.ballast.core.port.Member;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a member is addressed: its host from a template and its named ports from the membership
 * settings. The template's placeholders are {@code {pod}}, {@code {ordinal}}, {@code {service}},
 * {@code {namespace}} and {@code {podIP}} (empty until the pod has an IP). The default, {@code
 * {pod}.{service}.{namespace}.svc}, is the stable DNS name a StatefulSet's governing service gives
 * each pod, which a membership configuration (ZooKeeper's server list) can keep across restarts.
 * Ports: every setting named {@code <name>Port} becomes the port {@code <name>}, e.g. {@code
 * clientPort: "2181"} is the {@code client} port.
 */
public final class MemberAddressing {
  private static final java.util.regex.Pattern OFFSET =
      java.util.regex.Pattern.compile("\\{ordinal\\+([0-9]{1,5})}");

  /** The default host template. */
  public static final String DEFAULT_HOST = "{pod}.{service}.{namespace}.svc";

  private final String hostTemplate;
  private final Map<String, Integer> ports;

  public MemberAddressing(String hostTemplate, Map<String, Integer> ports) {
    this.hostTemplate = Objects.requireNonNull(hostTemplate, "hostTemplate");
    this.ports = Map.copyOf(ports);
  }

  /**
   * From membership settings: {@code host} (the template) and every {@code <name>Port}; {@code
   * defaults} are ports the adapter needs when the settings leave them out.
   *
   * @throws IllegalArgumentException naming the setting when a port is not a number in 1..65535
   */
  public static MemberAddressing fromSettings(
      Map<String, String> settings, Map<String, Integer> defaults) {
    Map<String, Integer> ports = new LinkedHashMap<>(defaults);
    settings.forEach(
        (key, value) -> {
          if (key.endsWith("Port") && key.length() > 4) {
            int port;
            try {
              port = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
              port = -1;
            }
            if (port < 1 || port > 65535) {
              throw new IllegalArgumentException(
                  "spec.membership.settings."
                      + key
                      + ": must be a port number 1..65535, was \""
                      + value
                      + "\"");
            }
            ports.put(key.substring(0, key.length() - 4), port);
          }
        });
    return new MemberAddressing(settings.getOrDefault("host", DEFAULT_HOST), ports);
  }

  /** Member {@code ordinal} of {@code target}; {@code pod} may be null when not created yet. */
  public Member member(int ordinal, TargetWorkload target, Pod pod) {
    return member(
        ordinal,
        target.podName(ordinal),
        target.serviceName().orElse(target.name()),
        target.namespace(),
        pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP());
  }

  /** Member {@code ordinal} whose pod is {@code pod} behind {@code service}; podIp may be null. */
  public Member member(int ordinal, String pod, String service, String namespace, String podIp) {
    String host =
        OFFSET
            .matcher(hostTemplate)
            .replaceAll(m -> Integer.toString(ordinal + Integer.parseInt(m.group(1))))
            .replace("{pod}", pod)
            .replace("{ordinal}", Integer.toString(ordinal))
            .replace("{service}", service)
            .replace("{namespace}", namespace)
            .replace("{podIP}", podIp == null ? "" : podIp);
    return new Member(ordinal, host, ports);
  }
}
