package dev.ballast.operator;

import dev.ballast.core.port.Membership;
import dev.ballast.crd.InvalidSpecException;
import dev.ballast.crd.RunbookSettings;
import dev.ballast.crd.v1alpha1.Hooks;
import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.members.hooks.HookRunner;
import dev.ballast.members.hooks.HooksMembership;
import dev.ballast.members.hooks.HooksSpec;
import dev.ballast.members.peers.PeerListPublisher;
import dev.ballast.members.peers.PeerListSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the runbook fields of one StatefulAutoscaler: the hooks membership (HTTP hooks with the
 * token from a Secret and the CA from a ConfigMap, exec hooks through the pods' exec API), the peer
 * list ConfigMap and its follow-up, and the node view, around the {@link KubernetesReplicaRuntime}.
 */
record RunbookWiring(RunbookRuntime runtime, Membership membership) {
  private static final Logger LOG = LoggerFactory.getLogger(RunbookWiring.class);

  /** How long one pod of a rolling restart may take to be Ready again. */
  static final Duration RESTART_PER_POD = Duration.ofMinutes(5);

  static RunbookWiring wire(
      KubernetesClient client,
      StatefulAutoscaler sas,
      RunbookSettings settings,
      TargetWorkload target,
      KubernetesReplicaRuntime runtime,
      OwnerReference owner,
      PodTemplateSpec template,
      Clock clock) {
    String ns = sas.getMetadata().getNamespace();
    var membershipSpec = sas.getSpec().membership;
    Hooks.HttpSettings http = membershipSpec == null ? null : membershipSpec.http;
    HooksSpec.HttpSettings base =
        settings.hooks().map(HooksSpec::http).orElse(HooksSpec.HttpSettings.defaults());
    HookRunner runner =
        new HookRunner(
            new HooksSpec.HttpSettings(
                caFile(client, ns, http), Optional.empty(), base.connectTimeout()),
            http == null || http.bearerTokenSecret == null
                ? Optional::empty
                : new SecretToken(client, ns, http.bearerTokenSecret),
            new KubernetesPodExec(client, ns, target::podName, settings.execTargets()));
    Optional<PeerListPublisher> peers =
        settings
            .peers()
            .map(
                p ->
                    new PeerListPublisher(
                        p.template(),
                        new ConfigMapPeerListStore(
                            client,
                            ns,
                            p.configMap().orElse(target.name() + "-peers"),
                            p.key(),
                            Optional.of(owner)),
                        switch (p.after()) {
                          case None -> PeerListSpec.AfterChange.NONE;
                          case RollingRestart -> PeerListSpec.AfterChange.RESTART;
                          case Reload -> PeerListSpec.AfterChange.RELOAD;
                        },
                        switch (p.after()) {
                          case None -> PeerListPublisher.FollowUp.NONE;
                          case RollingRestart ->
                              new RollingRestart(
                                  client, ns, target::podName, RESTART_PER_POD, clock);
                          case Reload -> PeerListPublisher.reloadHooks(p.reload(), runner, p.key());
                        }));
    RunbookRuntime scaled =
        new RunbookRuntime(
            runtime,
            peers,
            new SchedulableNodes(target, () -> template == null ? null : template.getSpec()));
    if (peers.isPresent()) {
      try {
        scaled.publishInitial(runtime.members());
      } catch (RuntimeException e) {
        // The next PUBLISH writes it; a resource that cannot be wired now would stall entirely.
        LOG.warn("action=publish-peers outcome=failed reason=\"{}\"", e.getMessage());
      }
    }
    Membership membership =
        settings
            .hooks()
            .<Membership>map(h -> new HooksMembership(h, runner, runtime::members))
            .orElse(null);
    return new RunbookWiring(scaled, membership);
  }

  /** The CA ConfigMap's certificates in a file the hooks' HTTP client reads once, at wiring. */
  private static Optional<Path> caFile(
      KubernetesClient client, String ns, Hooks.HttpSettings http) {
    if (http == null || http.caConfigMap == null) {
      return Optional.empty();
    }
    String field = "spec.membership.http.caConfigMap";
    ConfigMap cm;
    try {
      cm = client.configMaps().inNamespace(ns).withName(http.caConfigMap.getName()).get();
    } catch (KubernetesClientException e) {
      throw new InvalidSpecException(
          List.of(
              field
                  + ": cannot read ConfigMap "
                  + http.caConfigMap.getName()
                  + " (HTTP "
                  + e.getCode()
                  + ")"));
    }
    String pem =
        cm == null || cm.getData() == null ? null : cm.getData().get(http.caConfigMap.getKey());
    if (pem == null) {
      throw new InvalidSpecException(
          List.of(
              field
                  + ": ConfigMap "
                  + http.caConfigMap.getName()
                  + " has no key "
                  + http.caConfigMap.getKey()
                  + "; put the PEM certificates of the CA there"));
    }
    try {
      Path file = Files.createTempFile("ballast-hooks-ca", ".pem");
      file.toFile().deleteOnExit();
      Files.writeString(file, pem, StandardCharsets.UTF_8);
      Optional<String> bad = HookRunner.checkCaFile(file);
      if (bad.isPresent()) {
        throw new InvalidSpecException(List.of(field + ": " + bad.get()));
      }
      return Optional.of(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
