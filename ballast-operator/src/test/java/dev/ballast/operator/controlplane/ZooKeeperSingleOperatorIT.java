package dev.ballast.operator.controlplane;

import static dev.ballast.operator.controlplane.RealControlPlane.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.crd.v1alpha1.StatefulAutoscaler;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.k8s.testkit.ManagedProcess;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperPodRunner;
import dev.ballast.k8s.testkit.zookeeper.ZooKeeperStatefulSet;
import dev.ballast.operator.KubernetesReplicaRuntime;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operator process (no second replica, no leader election) on a real control plane, with the
 * RBAC of deploy/install.yaml, scaling a real ZooKeeper ensemble behind a StatefulSet with a {@code
 * data} volume claim per member (claims stay Pending: no provisioner runs, and the node agent gives
 * each claim its own folder by UID):
 *
 * <ul>
 *   <li>SIGKILLed in the middle of a scale-up and of a scale-down, started again, it resumes the
 *       stage its journal ({@code status.operation}) records and runs no stage twice;
 *   <li>data policy {@code Retain} labels the removed member's claim only after it left, and a
 *       re-add of that ordinal is refused until the claim is dealt with, so that no member rejoins
 *       on stale data; {@code Delete} deletes it only after the verified leave;
 *   <li>someone scaling the StatefulSet by hand is recorded (Event and history) and planned from:
 *       the removal back to {@code spec.replicas} starts, and its preflight stops it with nothing
 *       changed while ZooKeeper does not list the hand-added member as a voter (here its pod does
 *       not even start: the node agent's runner, in this JVM, cannot resolve the siblings' DNS
 *       names to ask them for the configuration; in a cluster it would run as a non-voter);
 *   <li>a {@code Prometheus} metric (a real Prometheus server scraping a test gauge) past its
 *       target scales the ensemble up.
 * </ul>
 *
 * The methods run in order on one ensemble; each starts from the size the previous one left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZooKeeperSingleOperatorIT {

  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperSingleOperatorIT.class);
  private static final String NS = "zk-restart";
  private static final String CLAIM = "data-zk-3";

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder()
          .runner(new ZooKeeperPodRunner().withNaming(ZooKeeperPodRunner.Naming.DNS))
          .sharedInJvm()
          .build();

  /** On a failure, the operator's threads go to the test log: where a reconcile waits, if one. */
  @RegisterExtension
  static final TestWatcher threadsOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (operator != null && operator.isAlive()) {
            LOG.error("operator threads at the failure:\n{}", RealControlPlane.threads(operator));
          }
        }
      };

  static final ZooKeeperStatefulSet zk = ZooKeeperStatefulSet.of(NS, "zk");
  static Path operatorKubeconfig;
  static ManagedProcess operator;
  static int operatorStarts;
  static String retiredClaimUid;

  @BeforeAll
  static void ensembleAndOperator() {
    KubernetesClient client = cluster.client();
    operatorKubeconfig = RealControlPlane.namespaceWithEnsemble(cluster, zk);
    operator = startOperator();
    RealControlPlane.apply(cluster, "sas-zk-restart", autoscaler("Retain"));
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", 3);
  }

  /** A new operator process (one at a time), logging to its own file. */
  private static ManagedProcess startOperator() {
    operatorStarts++;
    return RealControlPlane.startOperator(
        cluster, operatorKubeconfig, NS, "operator-" + operatorStarts);
  }

  @AfterAll
  static void stopOperator() {
    if (operator != null) {
      operator.stop(Duration.ofSeconds(5));
    }
  }

  static String autoscaler(String dataPolicy) {
    return """
        apiVersion: ballast.dev/v1alpha1
        kind: StatefulAutoscaler
        metadata:
          name: zk
          namespace: %s
        spec:
          targetRef: {apiVersion: apps/v1, kind: StatefulSet, name: zk}
          replicas: 3
          maxReplicas: 5
          syncPeriod: 1s
          membership:
            type: ZooKeeper
            settings: {clientPort: "%d", quorumPort: "%d", electionPort: "%d"}
          scaleDown: {policy: Allowed, dataPolicy: %s}
        """
        .formatted(NS, zk.clientPort(), zk.quorumPort(), zk.electionPort(), dataPolicy);
  }

  @Test
  @Order(1)
  void operatorKilledWhileTheNewMemberStartsResumesThatStageAndRunsNoStageTwice() throws Exception {
    // given
    KubernetesClient client = cluster.client();
    Set<String> before = eventNames(client);
    try (ConfigWatcher watcher = new ConfigWatcher(client, zk)) {

      // when: SIGKILL while the journal says the new member is being waited for, then a new process
      StageWatch.Position killedAt = killOperatorAt(client, 4, Set.of("READY", "JOIN"));

      // then: the new process resumes that exact stage and finishes, one member at a time
      awaitResumedAt(operator, "member 3 (add 1/1) at " + killedAt.stage());
      awaitOneMemberChange(client, watcher, Set.of(1, 2, 3, 4), 3, 4);
      assertNoStageTwice(client, before, "ScaledUp");
    }
  }

  @Test
  @Order(2)
  void operatorKilledWhileTheRemovedMemberStopsResumesAndRetainsItsClaimOnlyAfterTheLeave()
      throws Exception {
    // given: 4 members, data policy Retain
    KubernetesClient client = cluster.client();
    Set<String> before = eventNames(client);
    PersistentVolumeClaim claim = claim(client);
    assertThat(claim).isNotNull();
    List<String> atRetire = new CopyOnWriteArrayList<>();
    try (ConfigWatcher watcher = new ConfigWatcher(client, zk);
        Watch claims = onClaimChange(client, atRetire)) {

      // when: SIGKILL while the journal says the removed member is being stopped
      StageWatch.Position killedAt = killOperatorAt(client, 3, Set.of("STOP", "GONE"));

      // then
      awaitResumedAt(operator, "member 3 (remove 1/1) at " + killedAt.stage());
      awaitOneMemberChange(client, watcher, Set.of(1, 2, 3), 4, 3);
      assertNoStageTwice(client, before, "ScaledDown");
      PersistentVolumeClaim retained = claim(client);
      assertThat(retained.getMetadata().getUid()).isEqualTo(claim.getMetadata().getUid());
      assertThat(retained.getMetadata().getDeletionTimestamp()).isNull();
      assertThat(retained.getMetadata().getLabels())
          .containsKey(KubernetesReplicaRuntime.RETIRED_LABEL);
      assertThat(atRetire)
          .as("what the claim's first change saw: the member had left, its pod was deleted")
          .first()
          .asString()
          .matches("servers=\\[1, 2, 3\\] pod=(absent|terminating)");
      retiredClaimUid = retained.getMetadata().getUid();
    }
  }

  @Test
  @Order(3)
  void aReAddedOrdinalNeverStartsOnItsRetainedClaim() throws Exception {
    // given: member 3 left with data policy Retain; its claim is labelled retired
    KubernetesClient client = cluster.client();
    assertThat(retiredClaimUid).as("the previous test retained the claim").isNotNull();
    Set<String> before = eventNames(client);

    // when: the ordinal is asked for again
    try (ConfigWatcher watcher = new ConfigWatcher(client, zk)) {
      scaleAutoscaler(4);

      // then: the step fails naming the claim, and the StatefulSet never grows
      await("a StepFailed event naming the retained claim")
          .atMost(TIMEOUT)
          .untilAsserted(
              () ->
                  assertThat(newEvents(client, before))
                      .anyMatch(
                          e ->
                              "StepFailed".equals(e.getReason())
                                  && e.getMessage().contains(CLAIM)));
      RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", 3);
      assertThat(watcher.replicasSeen()).containsExactly(3);
      assertThat(client.pods().inNamespace(NS).withName("zk-3").get()).isNull();
    }

    // when: the user deletes the checked claim, as the message says, and asks again
    client.persistentVolumeClaims().inNamespace(NS).withName(CLAIM).delete();
    await("claim deleted")
        .atMost(TIMEOUT)
        .until(() -> client.persistentVolumeClaims().inNamespace(NS).withName(CLAIM).get() == null);
    scaleAutoscaler(3);
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", 3);
    scaleAutoscaler(4);

    // then: member 3 joins on a new, empty claim
    RealControlPlane.awaitEnsemble(client, zk, Set.of(1, 2, 3, 4));
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", 4);
    PersistentVolumeClaim fresh = claim(client);
    assertThat(fresh.getMetadata().getUid()).isNotEqualTo(retiredClaimUid);
    assertThat(fresh.getMetadata().getLabels())
        .doesNotContainKey(KubernetesReplicaRuntime.RETIRED_LABEL);
  }

  @Test
  @Order(4)
  void dataPolicyDeleteDeletesTheRemovedMembersClaimOnlyAfterTheVerifiedLeave() throws Exception {
    // given: 4 members; the policy becomes Delete
    KubernetesClient client = cluster.client();
    List<String> atDelete = new CopyOnWriteArrayList<>();
    try (ConfigWatcher watcher = new ConfigWatcher(client, zk);
        Watch claims = onClaimChange(client, atDelete)) {

      // when
      RealControlPlane.patchAutoscaler(
          client,
          NS,
          "zk",
          """
              {"spec": {"replicas": 3, "scaleDown": {"dataPolicy": "Delete"}}}
              """);

      // then
      RealControlPlane.awaitEnsemble(client, zk, Set.of(1, 2, 3));
      RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", 3);
      await("the removed member's claim deleted")
          .atMost(TIMEOUT)
          .until(
              () -> client.persistentVolumeClaims().inNamespace(NS).withName(CLAIM).get() == null);
      assertThat(watcher.replicasSeen()).containsExactly(4, 3);
      assertThat(atDelete)
          .as("what the claim's first change saw: the member had left, its pod was deleted")
          .first()
          .asString()
          .matches("servers=\\[1, 2, 3\\] pod=(absent|terminating)");
      assertThat(
              client.persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
                  .map(c -> c.getMetadata().getName())
                  .sorted())
          .containsExactly("data-zk-0", "data-zk-1", "data-zk-2");
    }
  }

  @Test
  @Order(5)
  void aHandScaledStatefulSetIsRecordedAndPlannedFromWithoutTouchingTheEnsemble() throws Exception {
    // given: 3 members, spec.replicas 3
    KubernetesClient client = cluster.client();
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", 3);
    Set<String> before = eventNames(client);
    try (ConfigWatcher watcher = new ConfigWatcher(client, zk)) {

      // when: someone scales the StatefulSet itself to 4, behind Ballast's back
      RealControlPlane.kubectlOk(cluster, "-n", NS, "scale", "statefulset/zk", "--replicas=4");

      // then: recorded (Event and history) and planned from 4: the removal of member 3 that
      // spec.replicas asks for is started, and its preflight stops it because ZooKeeper's own
      // configuration does not list member 3 as a voter; nothing else changes
      await("ExternalReplicasEdit, then a removal from 4 blocked at its preflight")
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                List<Event> events = newEvents(client, before);
                assertThat(events)
                    .anyMatch(
                        e ->
                            "ExternalReplicasEdit".equals(e.getReason())
                                && e.getMessage().contains("from 3 to 4"));
                assertThat(events)
                    .anyMatch(
                        e ->
                            "ScalingStarted".equals(e.getReason())
                                && e.getMessage().contains("from 4 to 3"));
                assertThat(events)
                    .anyMatch(
                        e ->
                            "ScalingBlocked".equals(e.getReason())
                                && e.getMessage().contains("voting members are [0, 1, 2]")
                                && e.getMessage().contains("nothing was changed"));
              });
      assertThat(autoscaler(client).getStatus().history.toString())
          .contains("replicas changed outside Ballast from 3 to 4");
      assertThat(watcher.replicasSeen()).containsExactly(3, 4);
      assertThat(watcher.configsSeen().values()).containsOnly(Set.of(1, 2, 3));
    }

    // when: the same hand puts it back
    RealControlPlane.kubectlOk(cluster, "-n", NS, "scale", "statefulset/zk", "--replicas=3");

    // then: recorded too, and the size is spec.replicas again
    await("the second edit recorded")
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(autoscaler(client).getStatus().history.toString())
                    .contains("replicas changed outside Ballast from 4 to 3"));
    RealControlPlane.awaitEnsemble(client, zk, Set.of(1, 2, 3));
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", 3);
  }

  @Test
  @Order(6)
  void aPrometheusQueryPastItsTargetScalesTheEnsembleThreeToFive() {
    // given: a real Prometheus scraping a load gauge at 250, and the autoscaler following it with
    // an average target of 100 per member and at least 3 members
    KubernetesClient client = cluster.client();
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", 3);
    Set<String> before = eventNames(client);
    try (PrometheusServer prometheus =
            PrometheusServer.start(
                "ballast_it_load", 250, cluster.workDir().resolve("prometheus"));
        ConfigWatcher watcher = new ConfigWatcher(client, zk)) {
      RealControlPlane.patchAutoscaler(
          client,
          NS,
          "zk",
          """
              {"spec": {"replicas": null, "minReplicas": 3, "maxReplicas": 5, "metrics": [
                {"type": "Prometheus", "prometheus": {"server": {"url": "%s"},
                 "query": "sum(ballast_it_load)",
                 "target": {"type": "AverageValue", "averageValue": "100"}}}]}}
              """
              .formatted(prometheus.url()));
      await("the query read: ScalingActive=True, 3 desired")
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                StatefulAutoscaler sas = autoscaler(client);
                assertThat(sas.getStatus().conditions)
                    .anyMatch(
                        c -> c.getType().equals("ScalingActive") && c.getStatus().equals("True"));
                assertThat(sas.getStatus().currentMetrics).isNotEmpty();
                assertThat(sas.getStatus().desiredReplicas).isEqualTo(3);
              });

      // when: the load passes the target (450 for 3 members: 150 each)
      prometheus.set(450);

      // then: ceil(450 / 100) = 5 members, one at a time
      RealControlPlane.awaitEnsemble(client, zk, Set.of(1, 2, 3, 4, 5));
      RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", 5);
      assertThat(autoscaler(client).getStatus().desiredReplicas).isEqualTo(5);
      assertThat(watcher.replicasSeen()).containsExactly(3, 4, 5);
      assertThat(watcher.jumps()).as("configurations seen: %s", watcher.configsSeen()).isEmpty();
      assertThat(newEvents(client, before)).anyMatch(e -> "ScaledUp".equals(e.getReason()));
    }
  }

  // ------------------------------------------------------------------------------ helpers

  /**
   * Asks for {@code size} through {@code /scale}, SIGKILLs the operator as soon as its journal
   * stands at one of {@code stages}, starts a new process, and returns where the journal stood.
   */
  private static StageWatch.Position killOperatorAt(
      KubernetesClient client, int size, Set<String> stages) throws InterruptedException {
    try (StageWatch stage = new StageWatch(client, NS, "zk", stages)) {
      scaleAutoscaler(size);
      stage.await(TIMEOUT);
      operator.kill();
    }
    StageWatch.Position killedAt = position(client);
    operator = startOperator();
    assertThat(killedAt.stage()).isIn(stages.toArray());
    return killedAt;
  }

  /** The ensemble reached {@code ids}, the StatefulSet went through {@code replicas} only. */
  private static void awaitOneMemberChange(
      KubernetesClient client, ConfigWatcher watcher, Set<Integer> ids, Integer... replicas) {
    RealControlPlane.awaitEnsemble(client, zk, ids);
    RealControlPlane.awaitAutoscalerReplicas(client, NS, "zk", ids.size());
    assertThat(watcher.replicasSeen()).containsExactly(replicas);
    assertThat(watcher.jumps()).as("configurations seen: %s", watcher.configsSeen()).isEmpty();
  }

  private static void scaleAutoscaler(int n) {
    RealControlPlane.kubectlOk(cluster, "-n", NS, "scale", "sas/zk", "--replicas=" + n);
  }

  private static StatefulAutoscaler autoscaler(KubernetesClient client) {
    return client.resources(StatefulAutoscaler.class).inNamespace(NS).withName("zk").get();
  }

  private static StageWatch.Position position(KubernetesClient client) {
    return StageWatch.Position.of(autoscaler(client))
        .orElseThrow(() -> new AssertionError("the operation ended before the kill"));
  }

  private static PersistentVolumeClaim claim(KubernetesClient client) {
    return client.persistentVolumeClaims().inNamespace(NS).withName(CLAIM).get();
  }

  /**
   * Records, at the first change of member 3's claim after it existed unlabelled, what ZooKeeper
   * and the API server said then: the servers of zk-0's configuration and pod zk-3's state (absent,
   * terminating: deleted and in its grace period, or running).
   */
  private static Watch onClaimChange(KubernetesClient client, List<String> seen) {
    return client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .withName(CLAIM)
        .watch(
            new Watcher<>() {
              @Override
              public void eventReceived(Action action, PersistentVolumeClaim pvc) {
                boolean retired =
                    pvc.getMetadata().getLabels() != null
                        && pvc.getMetadata()
                            .getLabels()
                            .containsKey(KubernetesReplicaRuntime.RETIRED_LABEL);
                boolean deleting =
                    action == Action.DELETED || pvc.getMetadata().getDeletionTimestamp() != null;
                if (seen.isEmpty() && (retired || deleting)) {
                  Pod zk0 = client.pods().inNamespace(NS).withName("zk-0").get();
                  String servers =
                      RealControlPlane.config(zk0, zk)
                          .map(c -> c.servers().keySet().toString())
                          .orElse("unknown");
                  Pod pod = client.pods().inNamespace(NS).withName("zk-3").get();
                  String state =
                      pod == null
                          ? "absent"
                          : pod.getMetadata().getDeletionTimestamp() != null
                              ? "terminating"
                              : "running";
                  seen.add("servers=" + servers + " pod=" + state);
                }
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  private static Set<String> eventNames(KubernetesClient client) {
    Set<String> names = new HashSet<>();
    client
        .v1()
        .events()
        .inNamespace(NS)
        .list()
        .getItems()
        .forEach(e -> names.add(e.getMetadata().getName()));
    return names;
  }

  private static List<Event> newEvents(KubernetesClient client, Set<String> before) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "zk".equals(e.getInvolvedObject().getName()))
        .filter(e -> "StatefulAutoscaler".equals(e.getInvolvedObject().getKind()))
        .filter(e -> !before.contains(e.getMetadata().getName()))
        .toList();
  }

  /**
   * The operation's events since {@code before}: one start, one {@code StageCompleted} per stage
   * (two processes, no stage done twice), no retry of an action, and its end.
   */
  private static void assertNoStageTwice(
      KubernetesClient client, Set<String> before, String endReason) {
    await("the operation's end event " + endReason)
        .atMost(TIMEOUT)
        .until(
            () ->
                newEvents(client, before).stream().anyMatch(e -> endReason.equals(e.getReason())));
    List<Event> events = newEvents(client, before);
    List<String> stages =
        events.stream()
            .filter(e -> "StageCompleted".equals(e.getReason()))
            .map(Event::getMessage)
            .toList();
    assertThat(stages).as("stages completed").doesNotHaveDuplicates().isNotEmpty();
    assertThat(events.stream().filter(e -> "ScalingStarted".equals(e.getReason())))
        .as("operations started")
        .hasSize(1);
    assertThat(events.stream().map(Event::getReason))
        .as("events: %s", events.stream().map(e -> e.getReason() + " " + e.getMessage()).toList())
        .doesNotContain("StepFailed", "StatusConflict", "RolledBack", "ScalingFailed");
  }

  /** Waits until the new operator process logs that it resumed at {@code position}. */
  private static void awaitResumedAt(ManagedProcess p, String position) {
    await("operator resumed at " + position)
        .atMost(TIMEOUT)
        .until(() -> log(p).contains("action=resume position=\"" + position + "\""));
  }

  private static String log(ManagedProcess p) {
    try {
      return Files.exists(p.log()) ? Files.readString(p.log()) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
