package dev.ballast.operator;

import dev.ballast.members.peers.PeerListStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A peer list in a key of a ConfigMap (which the members mount or watch), its state in the
 * ConfigMap's annotations ({@value #VERSION}, {@value #LIST}, {@value #APPLIED}, {@value
 * #CURRENT}), so that the list and its version change in one write. The ConfigMap is owned by the
 * StatefulAutoscaler; each write is locked on the resourceVersion read just before (a concurrent
 * change fails it and the stage is tried again).
 */
public final class ConfigMapPeerListStore implements PeerListStore {
  /** The version of the list, raised on every change. */
  public static final String VERSION = "ballast.dev/peers-version";

  /** The list as rendered without its version, to tell a change from a re-publish. */
  public static final String LIST = "ballast.dev/peers-list";

  /** Whether the follow-up (rolling restart, reload hooks) ran for this version. */
  public static final String APPLIED = "ballast.dev/peers-applied";

  /** The ordinals known to have read this version (restarted for it), comma-separated. */
  public static final String CURRENT = "ballast.dev/peers-current";

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String key;
  private final Optional<OwnerReference> owner;

  public ConfigMapPeerListStore(
      KubernetesClient client,
      String namespace,
      String name,
      String key,
      Optional<OwnerReference> owner) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.key = key;
    this.owner = owner;
  }

  @Override
  public State read() {
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
    if (cm == null || cm.getMetadata().getAnnotations() == null) {
      return State.initial();
    }
    Map<String, String> a = cm.getMetadata().getAnnotations();
    int version;
    try {
      version = Integer.parseInt(a.getOrDefault(VERSION, "0"));
    } catch (NumberFormatException e) {
      version = 0;
    }
    Set<Integer> current = new TreeSet<>();
    for (String o : a.getOrDefault(CURRENT, "").split(",")) {
      try {
        current.add(Integer.parseInt(o.trim()));
      } catch (NumberFormatException e) {
        // not an ordinal (empty, or edited by hand): that member is told again
      }
    }
    return new State(version, a.getOrDefault(LIST, ""), "true".equals(a.get(APPLIED)), current);
  }

  @Override
  public void save(State state, Optional<String> content) {
    ConfigMap current = client.configMaps().inNamespace(namespace).withName(name).get();
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(VERSION, Integer.toString(state.version()));
    annotations.put(LIST, state.list());
    annotations.put(APPLIED, Boolean.toString(state.reloaded()));
    annotations.put(
        CURRENT,
        String.join(",", new TreeSet<>(state.current()).stream().map(String::valueOf).toList()));
    if (current == null) {
      ConfigMapBuilder b =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .withAnnotations(annotations)
              .withOwnerReferences(owner.map(List::of).orElse(List.of()))
              .endMetadata()
              .withData(Map.of(key, content.orElse("")));
      client.configMaps().inNamespace(namespace).resource(b.build()).create();
      return;
    }
    Map<String, String> merged =
        new LinkedHashMap<>(
            current.getMetadata().getAnnotations() == null
                ? Map.of()
                : current.getMetadata().getAnnotations());
    merged.putAll(annotations);
    current.getMetadata().setAnnotations(merged);
    if (content.isPresent()) {
      Map<String, String> data =
          new LinkedHashMap<>(current.getData() == null ? Map.of() : current.getData());
      data.put(key, content.get());
      current.setData(data);
    }
    // update() sends the resourceVersion read above: a concurrent writer makes it fail (409).
    client.configMaps().inNamespace(namespace).resource(current).update();
  }

  @Override
  public String describe() {
    return "ConfigMap " + name + " key " + key;
  }
}
