package dev.ballast.local.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.policy.QuorumGuard;
import dev.ballast.members.hooks.Hook;
import dev.ballast.members.hooks.HookCondition;
import dev.ballast.members.hooks.HookPoint;
import dev.ballast.members.hooks.HooksSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code hooks} membership section of a cluster file: what it reads and what it refuses. */
class HooksReaderTest {
  private static final Path FILE = Path.of("/clusters/storage/chunks.yaml");

  private static String file(String membership) {
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: chunks
        spec:
          replicas: 3
          maxReplicas: 255
          member:
            kind: command
            command: [chunkserver, --port, "{port:data}"]
            ports: [data]
          membership:
        %s
        """
        .formatted(membership.indent(4));
  }

  @org.junit.jupiter.api.Test
  void readsTheHooksOfEachStageTheMembershipCheckAndTheHealthHook() throws Exception {
    // given
    String yaml =
        file(
            """
            type: hooks
            quorum: None
            memberId: "{host}:{port:data}"
            members:
              http: {url: "http://meta:10100/chunks"}
              list: "$.chunks[*].ip"
            health:
              http: {url: "http://{host}:{port:data}/health"}
              timeout: 2s
            hooks:
              drained:
                - http: {url: "http://meta:10100/chunks/{memberId}"}
                  until: {path: "$.usedDataSpace", lessThan: 1}
              forget:
                - http: {url: "http://meta:10100/chunks"}
                  capture: {chunkId: "$.chunks[?(@.ip == '{memberId}')].id"}
                  attempts: 30
                  backoff: 1s
                - exec: [iomeshctl, chunk, unregister, "{chunkId}"]
            """);

    // when
    ClusterFile c = ClusterFile.parse(yaml, FILE);

    // then
    assertThat(c.membership()).isEqualTo(MembershipType.HOOKS);
    assertThat(c.policy().quorumGuard()).isEqualTo(QuorumGuard.NONE);
    HooksSpec spec = c.hooks().orElseThrow();
    assertThat(spec.memberId()).isEqualTo("{host}:{port:data}");
    assertThat(spec.members().orElseThrow().listPath()).isEqualTo("$.chunks[*].ip");
    assertThat(spec.health().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(spec.at(HookPoint.DRAINED).get(0).until())
        .contains(new HookCondition("$.usedDataSpace", HookCondition.Op.LESS_THAN, "1"));
    Hook lookup = spec.at(HookPoint.FORGET).get(0);
    assertThat(lookup.attempts()).isEqualTo(30);
    assertThat(lookup.backoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(spec.at(HookPoint.FORGET).get(1).command())
        .containsExactly("iomeshctl", "chunk", "unregister", "{chunkId}");
    assertThat(spec.workDir()).isEqualTo(Path.of("/clusters/storage"));
  }

  record Case(String name, String membership, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> badFiles() {
    String p = "chunks.yaml: spec.membership.";
    return Stream.of(
        new Case(
            "a hook that is both a request and a command",
            "type: hooks\nhooks:\n  join:\n    - http: {url: \"http://x/\"}\n      exec: [true]",
            p + "hooks.join[0]: needs exactly one of http (a request) or exec (a command)"),
        new Case(
            "an unknown stage",
            "type: hooks\nhooks:\n  shrink:\n    - exec: [true]",
            p + "hooks.shrink: unknown stage; use one of announce, join, rebalance"),
        new Case(
            "a token written into the file",
            "type: hooks\nhooks:\n  join:\n    - http: {url: \"http://x/\", headers: {Authorization: Bearer abc}}",
            p + "hooks.join[0].http.headers: must not hold Authorization"),
        new Case(
            "a JSONPath that cannot be read",
            "type: hooks\nmembers:\n  http: {url: \"http://x/\"}\n  list: \"$.nodes..\"",
            p + "members.list: not a JSONPath"),
        new Case(
            "a condition with two tests",
            "type: hooks\nhooks:\n  drained:\n    - http: {url: \"http://x/\"}\n      until: {path: $.a, equals: 1, lessThan: 2}",
            p
                + "hooks.drained[0].until: needs exactly one of equals, lessThan, greaterThan, length"),
        new Case(
            "a value captured by a later hook",
            "type: hooks\nhooks:\n  forget:\n    - exec: [echo, \"{id2}\"]\n    - exec: [echo]\n      capture: {id2: $.id}",
            p + "hooks.forget[0].exec[1]: unknown placeholder {id2}"),
        new Case(
            "a member value in the membership check",
            "type: hooks\nmembers:\n  http: {url: \"http://{host}/\"}\n  list: $.a",
            p + "members.http.url: unknown placeholder {host}"),
        new Case(
            "a port the member does not have",
            "type: hooks\nhealth:\n  http: {url: \"http://{host}:{port:admin}/\"}",
            p + "health.http.url: unknown placeholder {port:admin}"),
        new Case(
            "a missing CA file",
            "type: hooks\nhttp: {caFile: no-such-ca.pem}",
            p + "http.caFile: cannot read the CA file"),
        new Case(
            "no attempts",
            "type: hooks\nhooks:\n  join:\n    - exec: [true]\n      attempts: 0",
            p + "hooks.join[0].attempts: must be a whole number from 1 to 1000"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void refusesABadSectionNamingTheFieldAndTheFix(Case c) {
    assertThatThrownBy(() -> ClusterFile.parse(file(c.membership()), FILE))
        .isInstanceOfSatisfying(
            ClusterFileException.class,
            e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(c.expected())));
  }
}
