package dev.ballast.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.InvalidDocumentException;
import dev.ballast.api.Times;
import dev.ballast.crd.v1alpha1.Hooks;
import dev.ballast.crd.v1alpha1.PeerList;
import dev.ballast.crd.v1alpha1.StatefulAutoscalerSpec;
import dev.ballast.members.hooks.Hook;
import dev.ballast.members.hooks.HooksReader;
import dev.ballast.members.hooks.HooksSpec;
import dev.ballast.members.peers.PeerListTemplate;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The runbook fields of a StatefulAutoscaler mapped onto the model local cluster files use (read by
 * the same {@link HooksReader}): the hooks of {@code membership.type: Hooks}, where each exec hook
 * runs ({@link ExecTarget}, by hook name), and the peer list ({@code spec.peers}). The token Secret
 * and CA ConfigMap stay references: the operator reads them at each call.
 */
public record RunbookSettings(
    Optional<HooksSpec> hooks, Map<String, ExecTarget> execTargets, Optional<Peers> peers) {

  private static final ObjectMapper JSON = Serialization.jsonMapper();

  public RunbookSettings {
    Objects.requireNonNull(hooks, "hooks");
    execTargets = Map.copyOf(execTargets);
    Objects.requireNonNull(peers, "peers");
  }

  /** No hooks, no peer list. */
  public static RunbookSettings none() {
    return new RunbookSettings(Optional.empty(), Map.of(), Optional.empty());
  }

  /**
   * Where an exec hook runs: the pod a label {@code selector} finds (empty: the member's own pod),
   * and the container (empty: the pod's first).
   */
  public record ExecTarget(Optional<String> selector, Optional<String> container) {
    public ExecTarget {
      Objects.requireNonNull(selector, "selector");
      Objects.requireNonNull(container, "container");
    }

    /** The member's own pod, its first container. */
    public static ExecTarget memberPod() {
      return new ExecTarget(Optional.empty(), Optional.empty());
    }
  }

  /**
   * The peer list: ConfigMap {@code configMap} (empty: {@code <target>-peers}), key {@code key},
   * the template, what follows a change and the reload hooks.
   */
  public record Peers(
      Optional<String> configMap,
      String key,
      PeerListTemplate template,
      PeerList.After after,
      List<Hook> reload) {
    public Peers {
      Objects.requireNonNull(configMap, "configMap");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(template, "template");
      after = after == null ? PeerList.After.None : after;
      reload = List.copyOf(reload);
    }
  }

  /** Maps {@code spec}'s membership hooks and peers, adding each problem (naming its field). */
  static RunbookSettings from(
      StatefulAutoscalerSpec spec, Map<String, String> membershipSettings, List<String> problems) {
    List<String> ports = new ArrayList<>();
    membershipSettings.keySet().stream()
        .filter(k -> k.endsWith("Port") && k.length() > 4)
        .sorted()
        .forEach(k -> ports.add(k.substring(0, k.length() - 4)));
    HooksReader reader =
        new HooksReader(
            HooksReader.Dialect.KUBERNETES,
            Path.of("."),
            ports,
            RunbookSettings::duration,
            (field, message) -> problems.add(field + ": " + message));
    Optional<HooksSpec> hooks = Optional.empty();
    Map<String, ExecTarget> targets = new LinkedHashMap<>();
    StatefulAutoscalerSpec.Membership m = spec.membership;
    if (m != null && m.type == StatefulAutoscalerSpec.MembershipType.Hooks) {
      int before = problems.size();
      JsonNode node = JSON.valueToTree(m);
      HooksSpec read = reader.read(node, "spec.membership");
      if (problems.size() == before) {
        hooks = Optional.of(read);
      }
      if (m.members != null) {
        target(m.members, "members", "spec.membership.members", targets, problems);
      }
      if (m.health != null) {
        target(m.health, "health", "spec.membership.health", targets, problems);
      }
      if (m.hooks != null) {
        JsonNode stages = JSON.valueToTree(m.hooks);
        stages
            .fields()
            .forEachRemaining(
                e -> {
                  List<Hooks.Hook> list =
                      JSON.convertValue(
                          e.getValue(),
                          JSON.getTypeFactory()
                              .constructCollectionType(List.class, Hooks.Hook.class));
                  for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) != null) {
                      target(
                          list.get(i),
                          e.getKey() + "[" + i + "]",
                          "spec.membership.hooks." + e.getKey() + "[" + i + "]",
                          targets,
                          problems);
                    }
                  }
                });
      }
    }
    Optional<Peers> peers = Optional.empty();
    if (spec.peers != null) {
      PeerList p = spec.peers;
      if (p.key == null) {
        problems.add("spec.peers.key: required; the ConfigMap key to write, e.g. cluster.conf");
      }
      Optional<HooksReader.PeerList> list = reader.peerList(JSON.valueToTree(p), "spec.peers");
      if (p.reload != null) {
        for (int i = 0; i < p.reload.size(); i++) {
          if (p.reload.get(i) != null) {
            target(
                p.reload.get(i),
                "reload[" + i + "]",
                "spec.peers.reload[" + i + "]",
                targets,
                problems);
          }
        }
      }
      if ((p.after == PeerList.After.Reload) == (p.reload == null || p.reload.isEmpty())) {
        problems.add(
            "spec.peers.after: Reload goes with reload hooks and reload hooks with Reload; set"
                + " both or neither");
      }
      if (list.isPresent() && p.key != null) {
        peers =
            Optional.of(
                new Peers(
                    Optional.ofNullable(p.configMap),
                    p.key,
                    list.get().template(),
                    p.after,
                    list.get().reload()));
      }
    }
    return new RunbookSettings(hooks, targets, peers);
  }

  /** Records where an exec hook runs, by the name the reader gives it. */
  private static void target(
      Hooks.Hook hook,
      String defaultName,
      String field,
      Map<String, ExecTarget> targets,
      List<String> problems) {
    if (hook.exec == null) {
      return;
    }
    String name = hook.name != null ? hook.name : defaultName;
    ExecTarget target =
        hook.pod == null
            ? ExecTarget.memberPod()
            : new ExecTarget(
                Optional.ofNullable(hook.pod.selector).filter(s -> !s.isBlank()),
                Optional.ofNullable(hook.pod.container).filter(s -> !s.isBlank()));
    ExecTarget earlier = targets.putIfAbsent(name, target);
    if (earlier != null && !earlier.equals(target)) {
      problems.add(
          field
              + ".name: another exec hook is named "
              + name
              + " and runs elsewhere; give each exec hook its own name");
    }
  }

  private static Optional<Duration> duration(String text) {
    try {
      return Optional.of(Times.parseGoDuration(text, "duration"));
    } catch (InvalidDocumentException e) {
      return Optional.empty();
    }
  }
}
