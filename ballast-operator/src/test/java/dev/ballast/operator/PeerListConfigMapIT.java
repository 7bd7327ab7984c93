package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.port.Member;
import dev.ballast.members.peers.PeerListPublisher;
import dev.ballast.members.peers.PeerListSpec;
import dev.ballast.members.peers.PeerListStore;
import dev.ballast.members.peers.PeerListTemplate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The peer list in a ConfigMap with its version, and the rolling restart that follows a change, on
 * the fabric8 mock API server (CRUD mode) with {@link MockCluster#kubelet} playing the StatefulSet
 * controller (a deleted pod comes back as a new, Ready pod).
 */
@EnableKubernetesMockClient(crud = true)
class PeerListConfigMapIT {
  KubernetesClient client;
  MockCluster cluster;
  ScheduledExecutorService kubelet;

  static final PeerListTemplate TEMPLATE =
      new PeerListTemplate("# version {version}\n", "{host}:8848", "\n", "");

  @BeforeEach
  void setUp() {
    cluster = new MockCluster(client);
    cluster.statefulSet("nacos", 4, "100m");
    cluster.kubelet("nacos");
    kubelet = Executors.newSingleThreadScheduledExecutor();
    kubelet.scheduleWithFixedDelay(() -> cluster.kubelet("nacos"), 50, 50, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void tearDown() {
    kubelet.shutdownNow();
  }

  static List<Member> members(int n) {
    return IntStream.range(0, n)
        .mapToObj(k -> new Member(k, "nacos-" + k + ".nacos", Map.of()))
        .toList();
  }

  private ConfigMapPeerListStore store() {
    return new ConfigMapPeerListStore(
        client, MockCluster.NS, "nacos-peers", "cluster.conf", Optional.empty());
  }

  private Map<String, String> uids() {
    return client.pods().inNamespace(MockCluster.NS).list().getItems().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
  }

  @Test
  void aChangedListGetsANewVersionInOneWriteAndAnUnchangedOneIsLeftAlone() {
    // given
    PeerListPublisher publisher =
        new PeerListPublisher(
            TEMPLATE, store(), PeerListSpec.AfterChange.NONE, PeerListPublisher.FollowUp.NONE);

    // when
    List<String> first = publisher.publish(members(3));
    List<String> again = publisher.publish(members(3));
    List<String> grown = publisher.publish(members(4));

    // then
    assertThat(first)
        .containsExactly("wrote ConfigMap nacos-peers key cluster.conf version 1 (3 members)");
    assertThat(again).as("nothing to do for the same list").isEmpty();
    assertThat(grown).hasSize(1);
    ConfigMap cm = client.configMaps().inNamespace(MockCluster.NS).withName("nacos-peers").get();
    assertThat(cm.getData().get("cluster.conf"))
        .isEqualTo(
            "# version 2\nnacos-0.nacos:8848\nnacos-1.nacos:8848\nnacos-2.nacos:8848\n"
                + "nacos-3.nacos:8848");
    assertThat(cm.getMetadata().getAnnotations())
        .containsEntry(ConfigMapPeerListStore.VERSION, "2")
        .containsEntry(ConfigMapPeerListStore.APPLIED, "true");
  }

  @Test
  void aRollingRestartReplacesEveryPodOneAtATimeHighestFirstAndIsRedoneAfterACrash() {
    // given: version 1 written, then a crash before its follow-up ran
    ConfigMapPeerListStore store = store();
    store.save(
        new PeerListStore.State(1, TEMPLATE.render(members(4), "{version}"), false, Set.of()),
        Optional.of(TEMPLATE.render(members(4), "1")));
    Map<String, String> before = uids();
    PeerListPublisher publisher = restartingPublisher(store);

    // when: the same list is published again (the stage re-runs after the crash)
    List<String> lines = publisher.publish(members(4));

    // then: the same version, every pod replaced, highest ordinal first, each line with how long
    // its pod took to be Ready again, marked applied
    assertThat(lines)
        .hasSize(5)
        .first()
        .isEqualTo("wrote ConfigMap nacos-peers key cluster.conf version 1 (4 members)");
    assertThat(lines.subList(1, 5))
        .satisfiesExactly(
            l -> assertThat(l).matches(restarted("nacos-3")),
            l -> assertThat(l).matches(restarted("nacos-2")),
            l -> assertThat(l).matches(restarted("nacos-1")),
            l -> assertThat(l).matches(restarted("nacos-0")));
    Map<String, String> after = uids();
    assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(before.keySet());
    after.forEach((pod, uid) -> assertThat(uid).as(pod).isNotEqualTo(before.get(pod)));
    assertThat(store.read())
        .isEqualTo(
            new PeerListStore.State(
                1, TEMPLATE.render(members(4), "{version}"), true, Set.of(0, 1, 2, 3)));
    assertThat(publisher.publish(members(4))).as("applied: nothing more").isEmpty();
  }

  @Test
  void theRestartsOfAPublishAreTheRuntimesReportForTheStageRecordThenForgotten() {
    // given: the runtime of StatefulSet nacos whose peer list is followed by a rolling restart
    TargetWorkload target = cluster.target("nacos");
    RunbookRuntime runtime =
        new RunbookRuntime(
            new KubernetesReplicaRuntime(
                client,
                target,
                MemberAddressing.fromSettings(Map.of(), Map.of()),
                Optional.empty()),
            Optional.of(restartingPublisher(store())),
            new SchedulableNodes(target, () -> null));

    // when: the PUBLISH stage's action runs, then the executor takes the runtime's report
    runtime.publish(members(4));
    String report = runtime.takeActionReport();

    // then: the list written and every pod restarted, in order, each with its time, once
    assertThat(report.split("; "))
        .satisfiesExactly(
            l ->
                assertThat(l)
                    .isEqualTo(
                        "wrote ConfigMap nacos-peers key cluster.conf version 1 (4 members)"),
            l -> assertThat(l).matches(restarted("nacos-3")),
            l -> assertThat(l).matches(restarted("nacos-2")),
            l -> assertThat(l).matches(restarted("nacos-1")),
            l -> assertThat(l).matches(restarted("nacos-0")));
    assertThat(runtime.takeActionReport()).as("taken: forgotten").isEmpty();
  }

  /** The list in {@code store}, followed by a rolling restart of the nacos pods. */
  private PeerListPublisher restartingPublisher(ConfigMapPeerListStore store) {
    return new PeerListPublisher(
        TEMPLATE,
        store,
        PeerListSpec.AfterChange.RESTART,
        new RollingRestart(
            client, MockCluster.NS, k -> "nacos-" + k, Duration.ofSeconds(20), Clock.systemUTC()));
  }

  private static String restarted(String pod) {
    return "restarted pod " + pod + " \\(peer list version 1\\): Ready again after \\d+\\.\\ds";
  }
}
