package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.MembershipException;
import dev.ballast.crd.RunbookSettings.ExecTarget;
import dev.ballast.members.hooks.Hook;
import dev.ballast.members.hooks.HookResult;
import dev.ballast.members.hooks.HookRunner;
import dev.ballast.members.hooks.HooksSpec;
import dev.ballast.members.hooks.TestRegistries.DrainingRegistry;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Exec hooks through the pods' exec API and the hooks' bearer token from a Secret, on the fabric8
 * mock API server in expectation mode: no kubelet runs on this machine, so the real control plane
 * cannot exec into a pod; the mock answers the exec websocket as a kubelet would (output, then the
 * exit status on the status channel).
 */
@EnableKubernetesMockClient
class RunbookHooksMockIT {
  private static final String NS = "storage";

  KubernetesMockServer server;
  KubernetesClient client;

  private static PodBuilder pod(String name, String phase, String container) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withUid(name + "-uid")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(container)
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .endStatus();
  }

  private HookRunner runner(Map<String, ExecTarget> targets) {
    return new HookRunner(
        HooksSpec.HttpSettings.defaults(),
        Optional::empty,
        new KubernetesPodExec(client, NS, k -> "chunk-" + k, targets));
  }

  @Test
  void anExecHookRunsInTheRunningPodItsSelectorFindsAndItsOutputIsRecorded() {
    // given: the meta leader found by its label (a pending pod of the same label is passed over)
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/storage/pods?labelSelector=iomesh.com%2Fmeta-leader")
        .andReturn(
            200,
            new PodListBuilder()
                .addToItems(pod("meta-0", "Pending", "iomesh-meta").build())
                .addToItems(pod("meta-2", "Running", "iomesh-meta").build())
                .addToItems(pod("meta-1", "Running", "iomesh-meta").build())
                .build())
        .once();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/storage/pods/meta-1") // fabric8 reads the pod before exec
        .andReturn(200, pod("meta-1", "Running", "iomesh-meta").build())
        .always();
    server
        .expect()
        .withPath(
            "/api/v1/namespaces/storage/pods/meta-1/exec?command=iomeshctl&command=chunk"
                + "&command=unregister&command=7&container=iomesh-meta&stdout=true&stderr=true")
        .andUpgradeToWebSocket()
        .open(new OutputStreamMessage("chunk 7 unregistered\n"), new StatusStreamMessage(0))
        .done()
        .once();
    Hook unregister =
        Hook.exec("unregister", List.of("iomeshctl", "chunk", "unregister", "{chunkId}"));

    // when
    HookResult r =
        runner(
                Map.of(
                    "unregister",
                    new ExecTarget(Optional.of("iomesh.com/meta-leader"), Optional.empty())))
            .run(unregister, Map.of("ordinal", "3", "chunkId", "7"), List.of());

    // then
    assertThat(r.passed()).isTrue();
    assertThat(r.summary())
        .contains("unregister: iomeshctl chunk unregister 7 (in pod meta-1 container iomesh-meta)")
        .contains("-> exit 0")
        .contains("chunk 7 unregistered");
  }

  @Test
  void anExecHookWithoutSelectorRunsInTheMembersPodAndANonZeroExitFailsItWithItsOutput() {
    // given: member 2's pod, whose command fails
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/storage/pods/chunk-2")
        .andReturn(200, pod("chunk-2", "Running", "chunk").build())
        .always();
    server
        .expect()
        .withPath(
            "/api/v1/namespaces/storage/pods/chunk-2/exec?command=flush&container=chunk"
                + "&stdout=true&stderr=true")
        .andUpgradeToWebSocket()
        .open(new OutputStreamMessage("disk busy\n"), new StatusStreamMessage(3))
        .done()
        .always();
    Hook flush = Hook.exec("flush", List.of("flush")).withRetries(1, Duration.ofMillis(10));

    // when / then: it fails with its output; the mock server may close the stream before the
    // client read the status (fabric8 then has no exit code), which fails the hook too
    assertThatThrownBy(() -> runner(Map.of()).run(flush, Map.of("ordinal", "2"), List.of()))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("flush: flush (in pod chunk-2 container chunk)")
        .hasMessageContaining("disk busy")
        .message()
        .containsAnyOf("-> exit 3", "without the command's exit status");
  }

  @Test
  void anExecHookWhosePodIsMissingFailsSayingSoWithoutRetrying() {
    // given: no pod answers the selector
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/storage/pods?labelSelector=role%3Dleader")
        .andReturn(200, new PodListBuilder().build())
        .always();
    Hook h = Hook.exec("unregister", List.of("x"));

    // when / then
    assertThatThrownBy(
            () ->
                runner(
                        Map.of(
                            "unregister",
                            new ExecTarget(Optional.of("role=leader"), Optional.empty())))
                    .run(h, Map.of("ordinal", "1"), List.of()))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("no Running pod matches role=leader in storage");
    assertThat(server.getRequestCount()).as("one look-up, no retry of a hopeless call").isOne();
  }

  @Test
  void theBearerTokenComesFromTheSecretAtEachCallAndNeverShowsInTheRecord() throws Exception {
    // given: a registry that requires the token and echoes what it is sent
    try (DrainingRegistry registry = new DrainingRegistry(0, Duration.ZERO)) {
      registry.requireToken("s3cret-token");
      registry.add("chat-0");
      server
          .expect()
          .get()
          .withPath("/api/v1/namespaces/storage/secrets/registry-token")
          .andReturn(
              200,
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("registry-token")
                  .endMetadata()
                  .addToData(
                      "token",
                      Base64.getEncoder()
                          .encodeToString("s3cret-token\n".getBytes(StandardCharsets.UTF_8)))
                  .build())
          .always();
      HookRunner runner =
          new HookRunner(
              HooksSpec.HttpSettings.defaults(),
              new SecretToken(
                  client,
                  NS,
                  new SecretKeySelectorBuilder()
                      .withName("registry-token")
                      .withKey("token")
                      .build()),
              (hook, command, values) -> {
                throw new AssertionError("no command here");
              });
      Hook members =
          Hook.http("members", Hook.HttpCall.get(registry.url() + "/cluster/nodes"))
              .withCapture(Map.of("first", "$.nodes[0].id"));

      // when
      HookResult r = runner.run(members, Map.of(), List.of());

      // then
      assertThat(r.passed()).isTrue();
      assertThat(registry.seenAuthorization()).containsExactly("Bearer s3cret-token");
      assertThat(r.summary() + r.answer()).doesNotContain("s3cret");
      assertThat(server.getRequestCount()).isOne();
    }
  }

  @Test
  void aMissingTokenSecretFailsTheHookNamingTheSecretAndKey() {
    // given: no such Secret (the mock answers 404)
    HookRunner runner =
        new HookRunner(
            HooksSpec.HttpSettings.defaults(),
            new SecretToken(
                client,
                NS,
                new SecretKeySelectorBuilder().withName("registry-token").withKey("token").build()),
            (hook, command, values) -> {
              throw new AssertionError("no command here");
            });

    // when / then
    assertThatThrownBy(
            () ->
                runner.run(
                    Hook.http("health", Hook.HttpCall.get("http://127.0.0.1:9/health")),
                    Map.of(),
                    List.of()))
        .isInstanceOf(MembershipException.class)
        .hasMessage(
            "the hooks' bearer token is missing: no Secret storage/registry-token key token;"
                + " create it or fix the reference");
  }
}
