package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.members.hooks.TestRegistries.DrainingRegistry;
import dev.ballast.members.hooks.TestRegistries.MetaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ballast up/scale/history} end to end on local {@code command} members (Python's HTTP
 * server, one per member) whose membership is the user's hooks, against real HTTP registries that
 * behave like the runbooks' (a chat server's {@code /cluster/nodes}, a storage system's meta
 * leader).
 */
class HooksScalingIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private Path file;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void down() throws Exception {
    if (file != null && Files.exists(file)) {
      BallastCli.run("down", "-f", file.toString(), "--purge");
      try (LocalWiring w = LocalWiring.readOnly(ClusterFile.load(file), Clock.systemUTC())) {
        assertThat(w.runtime().clusterProcesses()).as("processes left behind").isEmpty();
      }
    }
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private Path cluster(String name, String spec) throws Exception {
    file = dir.resolve(name + ".yaml");
    Files.writeString(
        file,
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: %s
        spec:
          stateDir: state
          member:
            kind: command
            command: ["python3", "-m", "http.server", "{port:http}", "--bind", "{host}", "--directory", "{dataDir}"]
            ports: [http]
        %s
        """
            .formatted(name, spec.indent(2)));
    return file;
  }

  private static List<JsonNode> history(Path f) throws Exception {
    BallastCli.Result r = BallastCli.run("history", "-f", f.toString(), "-o", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<JsonNode> records = new ArrayList<>();
    JsonNode root = JSON.readTree(r.out());
    (root.isArray() ? root : root.path("records")).forEach(records::add);
    return records;
  }

  @Test
  void theChatServerRunbookGrowsThreeToFiveVerifiedByClusterNodesAndNeverShrinks()
      throws Exception {
    // given a chat cluster of 3 whose members register with /cluster/nodes when they join
    DrainingRegistry registry = new DrainingRegistry(0, Duration.ZERO);
    open.add(registry);
    String f =
        cluster(
                "chat",
                """
                replicas: 3
                allowedReplicas: [3, 5, 7]
                scaleDown:
                  policy: Disabled
                membership:
                  type: hooks
                  memberId: "chat-{ordinal}"
                  members:
                    http: {url: "%1$s/cluster/nodes"}
                    list: "$.nodes[*].id"
                  health:
                    http: {url: "http://{host}:{port:http}/"}
                  hooks:
                    join:
                      - http: {method: POST, url: "%1$s/cluster/nodes", body: '{"id": "{memberId}"}'}
                """
                    .formatted(registry.url()))
            .toString();
    BallastCli.Result up = BallastCli.run("up", "-f", f);
    assertThat(up.exitCode()).as(up.toString()).isZero();
    assertThat(registry.ids()).containsExactly("chat-0", "chat-1", "chat-2");

    // when
    BallastCli.Result grow = BallastCli.run("scale", "-f", f, "--replicas", "5");
    BallastCli.Result shrink = BallastCli.run("scale", "-f", f, "--replicas", "3");

    // then 3 -> 5 joined two members through the hook, verified by the registry's list
    assertThat(grow.exitCode()).as(grow.toString()).isZero();
    assertThat(registry.ids()).containsExactly("chat-0", "chat-1", "chat-2", "chat-3", "chat-4");
    assertThat(grow.out()).contains("JOIN").contains("VERIFY");
    assertThat(shrink.exitCode()).as(shrink.toString()).isEqualTo(3);
    assertThat(shrink.err()).contains("shrinking is disabled");
    List<JsonNode> joins =
        history(Path.of(f)).stream().filter(r -> "JOIN".equals(r.path("stage").asText())).toList();
    assertThat(joins).hasSize(2);
    assertThat(joins.get(0).path("message").asText())
        .contains("POST " + registry.url() + "/cluster/nodes -> 200");
  }

  @Test
  void aMemberIsDeletedFromTheRegistryOnlyAfterItsSessionsDrained() throws Exception {
    // given members whose 5 sessions move away one every 200 ms once drained
    DrainingRegistry registry = new DrainingRegistry(5, Duration.ofMillis(200));
    open.add(registry);
    String f =
        cluster(
                "drain",
                """
                replicas: 3
                minReplicas: 1
                maxReplicas: 5
                membership:
                  type: hooks
                  memberId: "chat-{ordinal}"
                  members:
                    http: {url: "%1$s/cluster/nodes"}
                    list: "$.nodes[*].id"
                  health:
                    http: {url: "http://{host}:{port:http}/"}
                  hooks:
                    join:
                      - http: {method: POST, url: "%1$s/cluster/nodes", body: '{"id": "{memberId}"}'}
                    drain:
                      - http: {method: POST, url: "%1$s/cluster/nodes/{memberId}/drain"}
                    drained:
                      - http: {url: "%1$s/cluster/nodes/{memberId}/drain"}
                        until: {path: "$.remaining", lessThan: 1}
                    cancelDrain:
                      - http: {method: DELETE, url: "%1$s/cluster/nodes/{memberId}/drain"}
                    leave:
                      - http: {method: DELETE, url: "%1$s/cluster/nodes/{memberId}"}
                scaleDown:
                  policy: Allowed
                  dataPolicy: Delete
                """
                    .formatted(registry.url()))
            .toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();

    // when
    BallastCli.Result shrink = BallastCli.run("scale", "-f", f, "--replicas", "2");

    // then the registry never had to refuse a delete, and the drain's end is on record
    assertThat(shrink.exitCode()).as(shrink.toString()).isZero();
    assertThat(registry.ids()).containsExactly("chat-0", "chat-1");
    assertThat(registry.refusedDeletes()).isEmpty();
    List<JsonNode> records = history(Path.of(f));
    JsonNode drained =
        records.stream()
            .filter(r -> "DRAINED".equals(r.path("stage").asText()))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(drained.path("message").asText()).contains("$.remaining < 1: 0");
    JsonNode leave =
        records.stream()
            .filter(r -> "LEAVE".equals(r.path("stage").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(leave.path("message").asText()).contains("DELETE").contains("-> 200");
  }

  @Test
  void theStorageRunbookUnregistersARemovedChunkThroughTheMetaLeaderOnceItExpired()
      throws Exception {
    // given three chunk servers registered with a meta cluster whose leader is meta 1
    MetaCluster meta = new MetaCluster(1);
    open.add(meta);
    String f =
        cluster(
                "chunks",
                """
                replicas: 3
                minReplicas: 3
                maxReplicas: 255
                membership:
                  type: hooks
                  quorum: None
                  memberId: "{host}:{port:http}"
                  members:
                    http: {url: "%1$s/chunks"}
                    list: "$.chunks[*].ip"
                  health:
                    http: {url: "http://{host}:{port:http}/"}
                  hooks:
                    join:
                      - http: {method: POST, url: "%1$s/chunks", body: '{"ip": "{memberId}"}'}
                    forget:
                      - name: expired
                        http: {url: "%1$s/chunks"}
                        capture: {chunkId: "$.chunks[?(@.ip == '{memberId}')].id"}
                        until: {path: "$.chunks[?(@.ip == '{memberId}')].status", equals: CHUNK_STATUS_SESSION_EXPIRED}
                        attempts: 50
                        backoff: 100ms
                      - name: leader
                        http: {url: "%2$s/leader"}
                        capture: {leader: "$.leader"}
                      - name: unregister
                        exec: [curl, -sS, --fail-with-body, -X, POST, "http://{leader}/chunks/{chunkId}/unregister"]
                scaleDown:
                  policy: Allowed
                  dataPolicy: Delete
                """
                    .formatted(meta.url(0), meta.url(2)))
            .toString();
    assertThat(BallastCli.run("up", "-f", f).exitCode()).isZero();
    assertThat(meta.ips()).hasSize(3);

    // when one chunk server is added, then removed again
    BallastCli.Result grow = BallastCli.run("scale", "-f", f, "--replicas", "4");
    assertThat(grow.exitCode()).as(grow.toString()).isZero();
    assertThat(meta.ips()).hasSize(4);
    String fourth = meta.ips().get(3);
    int chunkId = meta.idOf(fourth).orElseThrow();
    BallastCli.Result shrink = BallastCli.run("scale", "-f", f, "--replicas", "3");

    // then the leader unregistered it after it stopped, and the command's output is on record
    assertThat(shrink.exitCode()).as(shrink.toString()).isZero();
    assertThat(meta.ips()).hasSize(3).doesNotContain(fourth);
    assertThat(meta.unregisteredBy()).containsExactly("meta 1 unregistered chunk " + chunkId);
    assertThat(meta.refused()).isEmpty();
    JsonNode cleanup =
        history(Path.of(f)).stream()
            .filter(r -> "CLEANUP".equals(r.path("stage").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(cleanup.path("message").asText())
        .contains("CHUNK_STATUS_SESSION_EXPIRED")
        .contains("unregister: curl")
        .contains("-> exit 0")
        .contains("\"unregistered\":" + chunkId);
  }

  @Test
  void aHookUsingAValueNoEarlierHookCapturedIsRefusedWithExit2NamingTheField() throws Exception {
    // given
    String f =
        cluster(
                "bad",
                """
                replicas: 3
                membership:
                  type: hooks
                  hooks:
                    forget:
                      - exec: [iomeshctl, chunk, unregister, "{chunkId}"]
                """)
            .toString();

    file = null; // nothing to bring down

    // when
    BallastCli.Result r = BallastCli.run("up", "-f", f);

    // then
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines())
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "ballast: bad.yaml: spec.membership.hooks.forget[0].exec[3]: unknown"
                            + " placeholder {chunkId}"));
    assertThat(r.err()).doesNotContain("Exception");
    assertThat(dir.resolve("state")).doesNotExist();
  }
}
