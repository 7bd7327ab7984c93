package dev.ballast.crd;

import static dev.ballast.crd.AutoscalerSettingsTest.cr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.crd.v1alpha1.PeerList;
import dev.ballast.members.hooks.Hook;
import dev.ballast.members.hooks.HookCondition;
import dev.ballast.members.hooks.HookPoint;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The runbook fields of a StatefulAutoscaler: hooks, exec targets, peer list and node rules. */
class RunbookSettingsTest {

  private static final String CHUNKS =
      """
      targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: chunk}
      minReplicas: 3
      maxReplicas: 255
      placement: OnePerNode
      membership:
        type: Hooks
        quorum: None
        settings: {dataPort: "10200"}
        memberId: "{host}:{port:data}"
        http:
          bearerTokenSecret: {name: meta-token, key: token}
          connectTimeout: 2s
        members:
          http: {url: "http://meta:10100/chunks"}
          list: "$.chunks[*].ip"
        health:
          http: {url: "http://{host}:{port:data}/health"}
        hooks:
          drained:
            - http: {url: "http://meta:10100/chunks/{memberId}"}
              until: {path: "$.usedDataSpace", lessThan: 1}
          forget:
            - name: expired
              http: {url: "http://meta:10100/chunks"}
              capture: {chunkId: "$.chunks[?(@.ip == '{memberId}')].id"}
              until: {path: "$.chunks[?(@.ip == '{memberId}')].status", equals: CHUNK_STATUS_SESSION_EXPIRED}
              attempts: 60
              backoff: 2s
            - name: unregister
              exec: [/opt/iomesh/iomeshctl, chunk, unregister, "{chunkId}"]
              pod: {selector: iomesh.com/meta-leader, container: iomesh-meta}
              timeout: 30s
              attempts: 1
      metrics:
        - type: Prometheus
          prometheus:
            server: {url: "http://prometheus:9090"}
            query: avg(kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes)
            target: {type: Value, value: 800m}
      """;

  @Test
  void hooksMapOntoTheModelOfClusterFilesWithWhereEachExecHookRuns() {
    // when
    AutoscalerSettings s = AutoscalerSettings.from(cr(CHUNKS).getSpec(), 500);

    // then
    RunbookSettings r = s.runbook();
    assertThat(r.hooks()).isPresent();
    var hooks = r.hooks().get();
    assertThat(hooks.memberId()).isEqualTo("{host}:{port:data}");
    assertThat(hooks.http().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(hooks.http().bearerTokenFile()).isEmpty();
    assertThat(hooks.members().get().listPath()).isEqualTo("$.chunks[*].ip");
    assertThat(hooks.at(HookPoint.DRAINED).get(0).until())
        .hasValue(new HookCondition("$.usedDataSpace", HookCondition.Op.LESS_THAN, "1.0"));
    Hook expired = hooks.at(HookPoint.FORGET).get(0);
    assertThat(expired.attempts()).isEqualTo(60);
    assertThat(expired.backoff()).isEqualTo(Duration.ofSeconds(2));
    assertThat(expired.capture()).containsKey("chunkId");
    Hook unregister = hooks.at(HookPoint.FORGET).get(1);
    assertThat(unregister.command())
        .containsExactly("/opt/iomesh/iomeshctl", "chunk", "unregister", "{chunkId}");
    assertThat(unregister.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(r.execTargets())
        .containsEntry(
            "unregister",
            new RunbookSettings.ExecTarget(
                Optional.of("iomesh.com/meta-leader"), Optional.of("iomesh-meta")));
    assertThat(s.policy().quorumGuard()).isEqualTo(QuorumGuard.NONE);
    assertThat(s.policy().nodes().onePerNode()).isTrue();
    assertThat(s.policy().nodes().sizing()).isEmpty();
    assertThat(s.autoscaling()).isTrue();
  }

  @Test
  void sizeByNodesAloneAutoscalesAndPeersRenderTheLocalTemplate() {
    // given
    String yaml =
        """
        targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: meta}
        minReplicas: 3
        maxReplicas: 5
        allowedReplicas: [3, 5]
        sizeByNodes:
          tiers: [{atLeast: 5, replicas: 5}]
          otherwise: 3
        membership:
          settings: {httpPort: "8848"}
        peers:
          key: cluster.conf
          header: "# version {version}\\n"
          member: "{host}:{port:http}"
          after: RollingRestart
        """;

    // when
    AutoscalerSettings s = AutoscalerSettings.from(cr(yaml).getSpec(), 500);

    // then
    assertThat(s.autoscaling()).isTrue();
    assertThat(s.policy().nodes().sizing().get().sizeFor(6)).isEqualTo(5);
    assertThat(s.policy().nodes().sizing().get().sizeFor(4)).isEqualTo(3);
    assertThat(s.policy().nodes().nodeCount()).as("the runtime's, at each sync").isEmpty();
    RunbookSettings.Peers peers = s.runbook().peers().get();
    assertThat(peers.configMap()).isEmpty();
    assertThat(peers.key()).isEqualTo("cluster.conf");
    assertThat(peers.after()).isEqualTo(PeerList.After.RollingRestart);
    assertThat(
            peers
                .template()
                .render(
                    java.util.List.of(
                        new dev.ballast.core.port.Member(
                            0, "meta-0.meta", java.util.Map.of("http", 8848)),
                        new dev.ballast.core.port.Member(
                            1, "meta-1.meta", java.util.Map.of("http", 8848))),
                    "7"))
        .isEqualTo("# version 7\nmeta-0.meta:8848\nmeta-1.meta:8848");
  }

  record Refused(String name, String yaml, String... expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Refused> refusals() {
    String base =
        """
        targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: chat}
        maxReplicas: 7
        replicas: 3
        """;
    return Stream.of(
        new Refused(
            "a hook both a request and a command",
            base
                + """
                membership:
                  type: Hooks
                  hooks:
                    drain:
                      - {http: {url: "http://x/drain"}, exec: [true]}
                """,
            "spec.membership.hooks.drain[0]: needs exactly one of http"),
        new Refused(
            "an unknown placeholder",
            base
                + """
                membership:
                  type: Hooks
                  hooks:
                    leave:
                      - http: {method: DELETE, url: "http://x/nodes/{nodeId}"}
                """,
            "spec.membership.hooks.leave[0].http.url: unknown placeholder {nodeId}"),
        new Refused(
            "a port placeholder whose port is not declared",
            base
                + """
                membership:
                  type: Hooks
                  hooks:
                    leave:
                      - http: {method: DELETE, url: "http://{host}:{port:api}/nodes/{ordinal}"}
                """,
            "spec.membership.hooks.leave[0].http.url: unknown placeholder {port:api}",
            "membership.settings.apiPort in a StatefulAutoscaler"),
        new Refused(
            "an Authorization header",
            base
                + """
                membership:
                  type: Hooks
                  health:
                    http: {url: "http://{host}/health", headers: {Authorization: "Bearer x"}}
                """,
            "spec.membership.health.http.headers: must not hold Authorization"),
        new Refused(
            "two exec hooks of one name in different pods",
            base
                + """
                membership:
                  type: Hooks
                  hooks:
                    leave:
                      - {name: run, exec: [a]}
                    forget:
                      - {name: run, exec: [b], pod: {selector: role=leader}}
                """,
            "spec.membership.hooks.forget[0].name: another exec hook is named run"),
        new Refused(
            "reload hooks without after: Reload",
            base
                + """
                peers:
                  key: peers
                  member: "{host}"
                  reload:
                    - http: {method: POST, url: "http://{host}/reload"}
                """,
            "spec.peers.after: Reload goes with reload hooks"),
        new Refused(
            "a tier without replicas",
            base
                + """
                sizeByNodes:
                  tiers: [{atLeast: 5}]
                  otherwise: 3
                """,
            "spec.sizeByNodes.tiers[0]: needs atLeast >= 1 and replicas >= 1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void invalidRunbookFieldsAreRefusedNamingTheField(Refused c) {
    // when / then
    assertThatThrownBy(() -> AutoscalerSettings.from(cr(c.yaml()).getSpec(), 500))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContainingAll(c.expected());
  }
}
