package dev.ballast.operator;

import dev.ballast.core.port.DataPolicy;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.ReplicaRuntime;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members of a StatefulSet-like workload: member {@code k} is pod {@code <name>-k}; the
 * reserved members are ordinals below the workload's replicas. Starting member {@code k} first
 * writes the membership adapter's launch settings into ConfigMap {@code <name>-ballast-k} (which
 * the pod's entrypoint reads), then raises the replicas to {@code k+1} through {@code /scale};
 * stopping lowers them to {@code k}. A stopped member stays reserved until its cleanup (see {@link
 * #member}). One ordinal at a time, always the highest. A member is running while its pod exists,
 * is not being deleted and has not failed. Cleanup applies the data policy to the member's volume
 * claims once it has verifiably left: {@code Delete} deletes them, {@code Retain} labels them
 * {@link #RETIRED_LABEL}; a retired claim blocks a later start of that ordinal so that a member
 * never rejoins with stale data.
 *
 * <p>The member list (replicas, pod addresses) and pod readiness come from the target's {@link
 * KubernetesReads}: the informer cache in the operator, which may lag the server. Whatever guards
 * an action reads the server instead: {@link #start} and {@link #stop} re-read the replicas and
 * write them under that read's {@code resourceVersion}; {@link #isRunning} (which lets the executor
 * go on to the next action, the claims' cleanup after a stop among them) and {@link #cleanup}
 * re-read the pod and the claims.
 */
public final class KubernetesReplicaRuntime implements ReplicaRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesReplicaRuntime.class);

  /** Label of a volume claim kept (data policy Retain) after its member left. */
  public static final String RETIRED_LABEL = "ballast.dev/retired";

  private final KubernetesClient client;
  private final TargetWorkload target;
  private final MemberAddressing addressing;
  private final Optional<OwnerReference> owner;
  private final Set<Integer> stopped = ConcurrentHashMap.newKeySet();

  public KubernetesReplicaRuntime(
      KubernetesClient client,
      TargetWorkload target,
      MemberAddressing addressing,
      Optional<OwnerReference> owner) {
    this.client = Objects.requireNonNull(client, "client");
    this.target = Objects.requireNonNull(target, "target");
    this.addressing = Objects.requireNonNull(addressing, "addressing");
    this.owner = Objects.requireNonNull(owner, "owner");
  }

  /** The workload this runtime scales. */
  public TargetWorkload target() {
    return target;
  }

  @Override
  public List<Member> members() {
    int replicas = target.replicas();
    String service = target.serviceName().orElse(target.name());
    List<Member> out = new ArrayList<>(replicas);
    for (int k = 0; k < replicas; k++) {
      Pod pod = pod(k);
      String podIp = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      out.add(addressing.member(k, target.podName(k), service, target.namespace(), podIp));
    }
    return out;
  }

  /**
   * Member {@code ordinal} while reserved: below the workload's replicas, or, once stopped, until
   * its cleanup: while its pod still exists, while this runtime has stopped it and not cleaned it
   * up, or while one of its volume claims is neither deleted nor retired (after an operator
   * restart). So the membership's forget hooks, which run at CLEANUP once the pod is gone (the
   * storage runbook's unregister), still get its address.
   */
  @Override
  public Optional<Member> member(int ordinal) {
    if (ordinal < 0) {
      return Optional.empty();
    }
    Pod pod = pod(ordinal);
    boolean reserved =
        ordinal < target.replicas()
            || pod != null
            || stopped.contains(ordinal)
            || hasLiveClaim(ordinal);
    return reserved ? Optional.of(member(ordinal, pod)) : Optional.empty();
  }

  private boolean hasLiveClaim(int ordinal) {
    for (String template : target.volumeClaimTemplates()) {
      PersistentVolumeClaim pvc =
          client
              .persistentVolumeClaims()
              .inNamespace(target.namespace())
              .withName(target.claimName(template, ordinal))
              .get();
      if (pvc != null
          && pvc.getMetadata().getDeletionTimestamp() == null
          && (pvc.getMetadata().getLabels() == null
              || !pvc.getMetadata().getLabels().containsKey(RETIRED_LABEL))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Member prepare(int ordinal) {
    return member(ordinal, pod(ordinal));
  }

  @Override
  public void start(Member member, Map<String, String> launchSettings) {
    int k = member.ordinal();
    List<String> retired = retiredClaims(k);
    if (!retired.isEmpty()) {
      throw new IllegalStateException(
          "member "
              + k
              + " would start on retained data of a removed member (claims "
              + String.join(", ", retired)
              + "); delete them or remove the "
              + RETIRED_LABEL
              + " label after checking them");
    }
    if (!launchSettings.isEmpty()) {
      writeLaunchSettings(k, launchSettings);
    }
    // Fresh: after a stale read the member would be started twice, or others stopped.
    int replicas = target.setReplicasIf(current -> current <= k, k + 1);
    if (replicas <= k) {
      LOG.info("action=start member={} replicas={}->{}", k, replicas, k + 1);
    }
  }

  /** Read from the server: the executor moves on to an action (start, cleanup) on this answer. */
  @Override
  public boolean isRunning(int ordinal) {
    return running(freshPod(ordinal));
  }

  private static boolean running(Pod pod) {
    if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Failed".equals(phase) && !"Succeeded".equals(phase);
  }

  /** As the cache has the pod (the decision path). */
  @Override
  public boolean deleting(int ordinal) {
    Pod pod = pod(ordinal);
    return pod != null && pod.getMetadata().getDeletionTimestamp() != null;
  }

  /** As the cache has the pod (the decision path). */
  @Override
  public boolean failed(int ordinal) {
    Pod pod = pod(ordinal);
    return pod != null && pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase());
  }

  /** Whether the member's pod reports the Ready condition True (as the cache has it). */
  public boolean isPodReady(int ordinal) {
    return PodConditions.ready(pod(ordinal));
  }

  @Override
  public void stop(int ordinal) {
    // Fresh, and written only over the replicas read: never a lower ordinal with others.
    int replicas = target.setReplicasIf(current -> current == ordinal + 1, ordinal);
    if (replicas > ordinal + 1) {
      // The planner removes the highest ordinal only; a lower one would take others with it.
      throw new IllegalStateException(
          "cannot stop member " + ordinal + " while the workload has " + replicas + " replicas");
    }
    if (replicas == ordinal + 1) {
      LOG.info("action=stop member={} replicas={}->{}", ordinal, replicas, ordinal);
    }
    stopped.add(ordinal);
  }

  @Override
  public void cleanup(int ordinal, DataPolicy policy) {
    if (isRunning(ordinal)) {
      throw new IllegalStateException(
          "member " + ordinal + " still has a pod; its data is not touched until it is gone");
    }
    for (String template : target.volumeClaimTemplates()) {
      String claim = target.claimName(template, ordinal);
      var resource =
          client.persistentVolumeClaims().inNamespace(target.namespace()).withName(claim);
      PersistentVolumeClaim pvc = resource.get();
      if (pvc == null) {
        continue;
      }
      if (policy == DataPolicy.DELETE) {
        LOG.info("action=cleanup member={} claim={} policy=Delete", ordinal, claim);
        resource.delete();
      } else {
        LOG.info("action=cleanup member={} claim={} policy=Retain", ordinal, claim);
        resource.edit(
            p -> {
              p.getMetadata().getLabels().put(RETIRED_LABEL, "true");
              return p;
            });
      }
    }
    removeLaunchSettings(ordinal);
    stopped.remove(ordinal);
  }

  /** The ConfigMap the members' launch settings are written to: {@code <target>-ballast-launch}. */
  public String launchConfigMap() {
    return target.name() + "-ballast-launch";
  }

  /** The key of one launch setting of {@code ordinal}: {@code member-<ordinal>.<setting>}. */
  public static String launchKey(int ordinal, String setting) {
    return "member-" + ordinal + "." + setting;
  }

  private void writeLaunchSettings(int ordinal, Map<String, String> launchSettings) {
    var resource = client.configMaps().inNamespace(target.namespace()).withName(launchConfigMap());
    Map<String, String> wanted = new LinkedHashMap<>();
    launchSettings.forEach((key, value) -> wanted.put(launchKey(ordinal, key), value));
    var existing = resource.get();
    if (existing == null) {
      var cm =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName(launchConfigMap())
              .withNamespace(target.namespace())
              .addToLabels("app.kubernetes.io/managed-by", "ballast")
              .withOwnerReferences(owner.map(List::of).orElse(List.of()))
              .endMetadata()
              .withData(wanted)
              .build();
      client.configMaps().inNamespace(target.namespace()).resource(cm).create();
      return;
    }
    Map<String, String> data =
        new LinkedHashMap<>(existing.getData() == null ? Map.of() : existing.getData());
    if (!data.entrySet().containsAll(wanted.entrySet())) {
      data.putAll(wanted);
      existing.setData(data);
      // Locked: a concurrent writer's keys are never lost; a conflict fails the stage, which the
      // executor retries.
      client
          .configMaps()
          .inNamespace(target.namespace())
          .resource(existing)
          .lockResourceVersion(existing.getMetadata().getResourceVersion())
          .update();
    }
  }

  private void removeLaunchSettings(int ordinal) {
    var existing =
        client.configMaps().inNamespace(target.namespace()).withName(launchConfigMap()).get();
    if (existing == null || existing.getData() == null) {
      return;
    }
    String prefix = launchKey(ordinal, "");
    Map<String, String> data = new LinkedHashMap<>(existing.getData());
    if (data.keySet().removeIf(k -> k.startsWith(prefix))) {
      existing.setData(data);
      client
          .configMaps()
          .inNamespace(target.namespace())
          .resource(existing)
          .lockResourceVersion(existing.getMetadata().getResourceVersion())
          .update();
    }
  }

  private List<String> retiredClaims(int ordinal) {
    List<String> out = new ArrayList<>();
    for (String template : target.volumeClaimTemplates()) {
      String claim = target.claimName(template, ordinal);
      PersistentVolumeClaim pvc =
          client.persistentVolumeClaims().inNamespace(target.namespace()).withName(claim).get();
      if (pvc != null
          && pvc.getMetadata().getLabels() != null
          && pvc.getMetadata().getLabels().containsKey(RETIRED_LABEL)) {
        out.add(claim);
      }
    }
    return out;
  }

  /** The member's pod as the target's reads have it (the cache in the operator). */
  private Pod pod(int ordinal) {
    return target.reads().pod(target.namespace(), target.podName(ordinal)).orElse(null);
  }

  /** The member's pod as the server has it now. */
  private Pod freshPod(int ordinal) {
    return client.pods().inNamespace(target.namespace()).withName(target.podName(ordinal)).get();
  }

  private Member member(int ordinal, Pod pod) {
    return addressing.member(ordinal, target, pod);
  }
}
