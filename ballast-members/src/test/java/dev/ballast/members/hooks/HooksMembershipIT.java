package dev.ballast.members.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.ClusterView;
import dev.ballast.core.port.DrainProgress;
import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.hooks.TestRegistries.DrainingRegistry;
import dev.ballast.members.hooks.TestRegistries.MemberEndpoint;
import dev.ballast.members.hooks.TestRegistries.MetaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hooks membership against small real HTTP registries (a chat-server-like one whose members
 * take time to drain, a storage meta cluster whose leader must unregister an expired chunk) and
 * real commands.
 */
class HooksMembershipIT {
  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T open(T c) {
    open.add(c);
    return c;
  }

  private List<Member> members(int n, List<MemberEndpoint> endpoints) {
    List<Member> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      MemberEndpoint e = open(new MemberEndpoint());
      endpoints.add(e);
      out.add(new Member(i, "127.0.0.1", Map.of("http", e.port())));
    }
    return out;
  }

  private HooksMembership membership(
      Map<HookPoint, List<Hook>> hooks,
      Optional<HooksSpec.MembersCheck> check,
      HooksSpec.HttpSettings http,
      List<Member> known) {
    HooksSpec spec =
        new HooksSpec(
            "node-{ordinal}",
            http,
            hooks,
            check,
            Optional.of(
                Hook.http("health", Hook.HttpCall.get("http://{host}:{port:http}/health"))
                    .withRetries(1, Duration.ofMillis(10))),
            dir);
    return new HooksMembership(spec, new HookRunner(http, dir), () -> known);
  }

  private static Optional<HooksSpec.MembersCheck> nodesOf(DrainingRegistry registry) {
    return Optional.of(
        new HooksSpec.MembersCheck(
            Hook.http("members", Hook.HttpCall.get(registry.url() + "/cluster/nodes")),
            "$.nodes[*].id"));
  }

  @Test
  void joinRegistersTheMemberAndTheViewListsExactlyTheRegisteredOnes() {
    // given a registry that knows nodes 0 and 1
    DrainingRegistry registry = open(new DrainingRegistry(0, Duration.ZERO));
    registry.add("node-0");
    registry.add("node-1");
    List<Member> all = members(3, new ArrayList<>());
    Map<HookPoint, List<Hook>> hooks = new EnumMap<>(HookPoint.class);
    hooks.put(
        HookPoint.JOIN,
        List.of(
            Hook.http(
                "register",
                new Hook.HttpCall(
                    "POST",
                    registry.url() + "/cluster/nodes",
                    "{\"id\": \"{memberId}\"}",
                    Map.of()))));
    HooksMembership membership =
        membership(hooks, nodesOf(registry), HooksSpec.HttpSettings.defaults(), all);

    // when
    ClusterView before = membership.view(all);
    membership.join(all.get(2), all.subList(0, 2));
    String report = membership.takeActionReport();
    ClusterView after = membership.view(all);

    // then
    assertThat(before.votingMembers()).containsExactlyInAnyOrder(0, 1);
    assertThat(after.votingMembers()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(after.healthy()).isTrue();
    assertThat(report).contains("POST " + registry.url() + "/cluster/nodes -> 200");
    assertThat(membership.takeActionReport()).isEmpty();
  }

  @Test
  void aMemberTheRegistryListsButBallastNeverStartedMakesTheViewInconsistent() {
    // given
    DrainingRegistry registry = open(new DrainingRegistry(0, Duration.ZERO));
    registry.add("node-0");
    registry.add("stranger");
    List<Member> all = members(1, new ArrayList<>());
    HooksMembership membership =
        membership(Map.of(), nodesOf(registry), HooksSpec.HttpSettings.defaults(), all);

    // when
    ClusterView view = membership.view(all);

    // then
    assertThat(view.consistent()).isFalse();
    assertThat(view.detail()).contains("not started by Ballast: [stranger]");
  }

  @Test
  void aStoppedMemberIsUnhealthyInTheView() {
    // given
    DrainingRegistry registry = open(new DrainingRegistry(0, Duration.ZERO));
    registry.add("node-0");
    registry.add("node-1");
    List<MemberEndpoint> endpoints = new ArrayList<>();
    List<Member> all = members(2, endpoints);
    HooksMembership membership =
        membership(Map.of(), nodesOf(registry), HooksSpec.HttpSettings.defaults(), all);

    // when
    endpoints.get(1).close();
    ClusterView view = membership.view(all);

    // then
    assertThat(view.healthy()).isFalse();
    assertThat(view.members().get(1).detail()).contains("/health").contains("no answer");
  }

  @Test
  void drainedIsPendingUntilTheRegistryReportsNoSessionLeftThenTheMemberCanBeDeleted() {
    // given members holding 4 sessions that move away one every 150 ms
    DrainingRegistry registry = open(new DrainingRegistry(4, Duration.ofMillis(150)));
    registry.add("node-0");
    registry.add("node-1");
    registry.add("node-2");
    List<Member> all = members(3, new ArrayList<>());
    String node = registry.url() + "/cluster/nodes/{memberId}";
    Map<HookPoint, List<Hook>> hooks = new EnumMap<>(HookPoint.class);
    hooks.put(
        HookPoint.DRAIN,
        List.of(Hook.http("drain", new Hook.HttpCall("POST", node + "/drain", "", Map.of()))));
    hooks.put(
        HookPoint.DRAINED,
        List.of(
            Hook.http("drained", Hook.HttpCall.get(node + "/drain"))
                .withUntil(new HookCondition("$.remaining", HookCondition.Op.LESS_THAN, "1"))));
    hooks.put(
        HookPoint.LEAVE,
        List.of(
            Hook.http("delete", new Hook.HttpCall("DELETE", node, "", Map.of()))
                .withRetries(1, Duration.ofMillis(10))));
    HooksMembership membership =
        membership(hooks, nodesOf(registry), HooksSpec.HttpSettings.defaults(), all);
    Member leaving = all.get(2);
    List<Member> remaining = all.subList(0, 2);

    // when the member is told to drain
    membership.drain(leaving, remaining);
    DrainProgress first = membership.drainProgress(leaving, remaining);

    // then it is not drained at once, and leaving before the drain ends is refused by the registry
    assertThat(first.done()).isFalse();
    assertThat(first.message()).contains("$.remaining < 1");
    assertThatThrownBy(() -> membership.leave(leaving, remaining))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("LEAVE hook for member 2 failed")
        .hasMessageContaining("409")
        .hasMessageContaining("still holds");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> membership.drainProgress(leaving, remaining).done());
    membership.leave(leaving, remaining);
    assertThat(registry.ids()).containsExactly("node-0", "node-1");
    assertThat(membership.view(remaining).votingMembers()).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void forgetWaitsForTheChunkToExpireThenHasTheMetaLeaderUnregisterItByACommand() throws Exception {
    // given three chunk servers registered with a meta cluster whose leader is meta 2
    MetaCluster meta = open(new MetaCluster(2));
    List<MemberEndpoint> endpoints = new ArrayList<>();
    List<Member> all = members(3, endpoints);
    for (Member m : all) {
      meta.register("127.0.0.1:" + m.port("http"));
    }
    Map<HookPoint, List<Hook>> hooks = new EnumMap<>(HookPoint.class);
    hooks.put(
        HookPoint.FORGET,
        List.of(
            Hook.http("expired", Hook.HttpCall.get(meta.url(0) + "/chunks"))
                .withCapture(Map.of("chunkId", "$.chunks[?(@.ip == '{host}:{port:http}')].id"))
                .withUntil(
                    new HookCondition(
                        "$.chunks[?(@.ip == '{host}:{port:http}')].status",
                        HookCondition.Op.EQUALS,
                        "CHUNK_STATUS_SESSION_EXPIRED"))
                .withRetries(40, Duration.ofMillis(100)),
            Hook.http("leader", Hook.HttpCall.get(meta.url(1) + "/leader"))
                .withCapture(Map.of("leader", "$.leader")),
            Hook.exec(
                "unregister",
                List.of(
                    "curl",
                    "-sS",
                    "--fail-with-body",
                    "-X",
                    "POST",
                    "http://{leader}/chunks/{chunkId}/unregister"))));
    HooksMembership membership =
        membership(hooks, Optional.empty(), HooksSpec.HttpSettings.defaults(), all);
    Member gone = all.get(2);
    int chunkId = meta.idOf("127.0.0.1:" + gone.port("http")).orElseThrow();

    // when its process stops and it is forgotten
    endpoints.get(2).close();
    assertThat(membership.forgetsAfterStop()).isTrue();
    membership.forget(gone, all.subList(0, 2));
    String report = membership.takeActionReport();

    // then the leader unregistered exactly that chunk, and the report says how
    assertThat(meta.unregisteredBy()).containsExactly("meta 2 unregistered chunk " + chunkId);
    assertThat(meta.ips()).hasSize(2);
    assertThat(report)
        .contains("captured {chunkId=" + chunkId + "}")
        .contains("CHUNK_STATUS_SESSION_EXPIRED")
        .contains("exit 0")
        .contains("\"unregistered\":" + chunkId);
  }

  @Test
  void aCommandThatFailsStopsTheStageWithItsExitCodeAndOutput() {
    // given
    List<Member> all = members(2, new ArrayList<>());
    Map<HookPoint, List<Hook>> hooks = new EnumMap<>(HookPoint.class);
    hooks.put(
        HookPoint.LEAVE,
        List.of(
            Hook.exec("decommission", List.of("sh", "-c", "echo refusing {memberId}; exit 3"))
                .withRetries(2, Duration.ofMillis(10))));
    HooksMembership membership =
        membership(hooks, Optional.empty(), HooksSpec.HttpSettings.defaults(), all);

    // when / then
    assertThatThrownBy(() -> membership.leave(all.get(1), all.subList(0, 1)))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("exit 3")
        .hasMessageContaining("refusing node-1");
  }

  @Test
  void aRegistryThatAnswers503IsRetriedWithBackoffUntilItAnswers() {
    // given a registry that is unavailable for its next two requests
    DrainingRegistry registry = open(new DrainingRegistry(0, Duration.ZERO));
    List<Member> all = members(1, new ArrayList<>());
    Map<HookPoint, List<Hook>> hooks = new EnumMap<>(HookPoint.class);
    hooks.put(
        HookPoint.JOIN,
        List.of(
            Hook.http(
                    "register",
                    new Hook.HttpCall(
                        "POST",
                        registry.url() + "/cluster/nodes",
                        "{\"id\": \"{memberId}\"}",
                        Map.of()))
                .withRetries(3, Duration.ofMillis(50))));
    HooksMembership membership =
        membership(hooks, nodesOf(registry), HooksSpec.HttpSettings.defaults(), all);
    registry.unavailableFor(2);

    // when
    long started = System.nanoTime();
    membership.join(all.get(0), List.of());
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    // then the third try registered it, after 50 + 100 ms of back-off
    assertThat(registry.ids()).containsExactly("node-0");
    assertThat(registry.requests()).isEqualTo(3);
    assertThat(tookMs).isGreaterThanOrEqualTo(150);
  }

  @Test
  void aClientErrorIsNotRetried() {
    // given a registry that wants a token the hooks do not send
    DrainingRegistry registry = open(new DrainingRegistry(0, Duration.ZERO)).requireToken("s3cret");
    List<Member> all = members(1, new ArrayList<>());
    Map<HookPoint, List<Hook>> hooks = new EnumMap<>(HookPoint.class);
    hooks.put(
        HookPoint.JOIN,
        List.of(
            Hook.http(
                "register",
                new Hook.HttpCall(
                    "POST",
                    registry.url() + "/cluster/nodes",
                    "{\"id\": \"{memberId}\"}",
                    Map.of()))));
    HooksMembership membership =
        membership(hooks, Optional.empty(), HooksSpec.HttpSettings.defaults(), all);

    // when / then
    assertThatThrownBy(() -> membership.join(all.get(0), List.of())).hasMessageContaining("401");
    assertThat(registry.requests()).isEqualTo(1);
  }

  @Test
  void theBearerTokenComesFromItsFileAndNeverAppearsInReportsOrErrors() throws Exception {
    // given a registry that requires the token and echoes the header it got in its 401 answers
    String token = "tok-" + System.nanoTime();
    DrainingRegistry registry = open(new DrainingRegistry(0, Duration.ZERO)).requireToken(token);
    Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
    HooksSpec.HttpSettings http =
        new HooksSpec.HttpSettings(Optional.empty(), Optional.of(tokenFile), Duration.ofSeconds(2));
    List<Member> all = members(1, new ArrayList<>());
    Map<HookPoint, List<Hook>> hooks = new EnumMap<>(HookPoint.class);
    hooks.put(
        HookPoint.JOIN,
        List.of(
            Hook.http(
                "register",
                new Hook.HttpCall(
                    "POST",
                    registry.url() + "/cluster/nodes",
                    "{\"id\": \"{memberId}\"}",
                    Map.of()))));
    HooksMembership membership = membership(hooks, nodesOf(registry), http, all);

    // when it is accepted, then the token file changes to a wrong token
    membership.join(all.get(0), List.of());
    String report = membership.takeActionReport();
    Files.writeString(tokenFile, "wrong-" + token);
    Throwable refused =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> membership.join(all.get(0), List.of()));

    // then the token was sent, and no report or error shows it (the echo is redacted)
    assertThat(registry.seenAuthorization()).contains("Bearer " + token);
    assertThat(registry.ids()).containsExactly("node-0");
    assertThat(report).doesNotContain(token);
    assertThat(refused).hasMessageContaining("401").hasMessageNotContaining(token);
  }

  @Test
  void anHttpsRegistryIsTrustedThroughTheConfiguredCaFileOnly() throws Exception {
    // given an HTTPS member endpoint whose certificate is signed by nobody the JDK trusts
    Path keystore = dir.resolve("server.p12");
    Path ca = dir.resolve("ca.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(
        keytool,
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit");
    run(
        keytool,
        "-exportcert",
        "-rfc",
        "-alias",
        "server",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-file",
        ca.toString());
    com.sun.net.httpserver.HttpsServer server =
        com.sun.net.httpserver.HttpsServer.create(
            new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(
        new com.sun.net.httpserver.HttpsConfigurator(serverContext(keystore)));
    server.createContext("/health", ex -> TestRegistries.send(ex, 200, Map.of("status", "ok")));
    server.start();
    open.add(() -> server.stop(0));
    Member member = new Member(0, "127.0.0.1", Map.of("https", server.getAddress().getPort()));
    Hook health =
        Hook.http("health", Hook.HttpCall.get("https://{host}:{port:https}/health"))
            .withRetries(1, Duration.ofMillis(10))
            .withTimeout(Duration.ofSeconds(20));

    // when
    HookRunner trusting =
        new HookRunner(
            new HooksSpec.HttpSettings(Optional.of(ca), Optional.empty(), Duration.ofSeconds(2)),
            dir);
    HookRunner plain = new HookRunner(HooksSpec.HttpSettings.defaults(), dir);

    // then
    assertThat(
            trusting.run(health, Templates.memberValues(member, "{ordinal}"), List.of()).summary())
        .contains("-> 200");
    assertThatThrownBy(
            () -> plain.run(health, Templates.memberValues(member, "{ordinal}"), List.of()))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("no answer");
  }

  private static javax.net.ssl.SSLContext serverContext(Path keystore) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(
            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }
}
