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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members of a StatefulSet-like workload: member {@code k} is pod {@code <name>-k}; the
 * reserved members are ordinals below the workload's replicas. Starting member {@code k} first
 * writes the membership adapter's launch settings into ConfigMap {@code <name>-ballast-k} (which
 * the pod's entrypoint reads), then raises the replicas to {@code k+1} through {@code /scale};
 * stopping lowers them to {@code k}. One ordinal at a time, always the highest. A member is running
 * while its pod exists, is not being deleted and has not failed. Cleanup applies the data policy to
 * the member's volume claims once it has verifiably left: {@code Delete} deletes them, {@code
 * Retain} labels them {@link #RETIRED_LABEL}; a retired claim blocks a later start of that ordinal
 * so that a member never rejoins with stale data.
 */
public final class KubernetesReplicaRuntime implements ReplicaRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesReplicaRuntime.class);

  /** Label of a volume claim kept (data policy Retain) after its member left. */
  public static final String RETIRED_LABEL = "ballast.dev/retired";

  private final KubernetesClient client;
  private final TargetWorkload target;
  private final MemberAddressing addressing;
  private final Optional<OwnerReference> owner;

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
    List<Member> out = new ArrayList<>(replicas);
    for (int k = 0; k < replicas; k++) {
      out.add(member(k, pod(k)));
    }
    return out;
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
      var cm =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName(launchConfigMap(k))
              .withNamespace(target.namespace())
              .addToLabels("app.kubernetes.io/managed-by", "ballast")
              .withOwnerReferences(owner.map(List::of).orElse(List.of()))
              .endMetadata()
              .withData(new LinkedHashMap<>(launchSettings))
              .build();
      var existing =
          client.configMaps().inNamespace(target.namespace()).withName(launchConfigMap(k)).get();
      if (existing == null) {
        client.configMaps().inNamespace(target.namespace()).resource(cm).create();
      } else if (!launchSettings.equals(existing.getData())) {
        existing.setData(new LinkedHashMap<>(launchSettings));
        client.configMaps().inNamespace(target.namespace()).resource(existing).update();
      }
    }
    int replicas = target.replicas();
    if (replicas <= k) {
      LOG.info("action=start member={} replicas={}->{}", k, replicas, k + 1);
      target.setReplicas(k + 1);
    }
  }

  @Override
  public boolean isRunning(int ordinal) {
    Pod pod = pod(ordinal);
    if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Failed".equals(phase) && !"Succeeded".equals(phase);
  }

  /** Whether the member's pod reports the Ready condition True. */
  public boolean isPodReady(int ordinal) {
    return PodConditions.ready(pod(ordinal));
  }

  @Override
  public void stop(int ordinal) {
    int replicas = target.replicas();
    if (replicas > ordinal) {
      if (replicas != ordinal + 1) {
        // The planner removes the highest ordinal only; a lower one would take others with it.
        throw new IllegalStateException(
            "cannot stop member " + ordinal + " while the workload has " + replicas + " replicas");
      }
      LOG.info("action=stop member={} replicas={}->{}", ordinal, replicas, ordinal);
      target.setReplicas(ordinal);
    }
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
    client.configMaps().inNamespace(target.namespace()).withName(launchConfigMap(ordinal)).delete();
  }

  /** The ConfigMap a member's launch settings are written to. */
  public String launchConfigMap(int ordinal) {
    return target.name() + "-ballast-" + ordinal;
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

  private Pod pod(int ordinal) {
    return client.pods().inNamespace(target.namespace()).withName(target.podName(ordinal)).get();
  }

  private Member member(int ordinal, Pod pod) {
    return addressing.member(ordinal, target, pod);
  }
}
