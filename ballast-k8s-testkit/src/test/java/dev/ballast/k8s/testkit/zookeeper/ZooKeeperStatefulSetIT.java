package dev.ballast.k8s.testkit.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.Member;
import dev.ballast.k8s.testkit.KubeClusterExtension;
import dev.ballast.members.zookeeper.ZooKeeperMembership;
import dev.ballast.members.zookeeper.ZooKeeperServerConfig;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real StatefulSet controller and the node agent run a real ZooKeeper StatefulSet: one ensemble
 * for the class, taken through formation, a pod deletion, a crash and a new ordinal, each checked
 * through ZooKeeper itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZooKeeperStatefulSetIT {

  private static final String NS = "zk-agent";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @RegisterExtension
  static final KubeClusterExtension cluster =
      KubeClusterExtension.builder()
          .runner(new ZooKeeperPodRunner())
          .allocatable("cpu", "2")
          .build();

  static final ZooKeeperStatefulSet zk = ZooKeeperStatefulSet.of(NS, "zk");

  @BeforeAll
  static void createTheStatefulSet() {
    KubernetesClient client = cluster.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    zk.resources().forEach(r -> client.resource(r).create());
  }

  @Test
  @Order(1)
  void statefulSetControllerAndAgentFormAThreeMemberEnsemble() throws Exception {
    // when
    awaitReady(3);

    // then
    List<Pod> pods = pods();
    Set<String> ips = new HashSet<>();
    for (Pod p : pods) {
      assertThat(p.getSpec().getNodeName()).isEqualTo(cluster.agent().nodeName());
      assertThat(p.getStatus().getPhase()).isEqualTo("Running");
      assertThat(p.getStatus().getPodIP()).startsWith("127.0.0.");
      ips.add(p.getStatus().getPodIP());
    }
    assertThat(ips).hasSize(3);
    assertEnsemble(pods, Set.of(1, 2, 3));
    write(pods.get(0), "/formed", "yes");
    assertThat(read(pods.get(2), "/formed")).isEqualTo("yes");
  }

  @Test
  @Order(2)
  void deletedPodComesBackWithItsDataAndRejoins() throws Exception {
    // given
    awaitReady(3);
    Pod before = pod("zk-1");
    write(pod("zk-0"), "/before-delete", "kept");

    // when
    cluster.client().pods().inNamespace(NS).withName("zk-1").delete();

    // then
    await("zk-1 re-created and ready")
        .atMost(TIMEOUT)
        .until(
            () -> {
              Pod p = cluster.client().pods().inNamespace(NS).withName("zk-1").get();
              return p != null
                  && !p.getMetadata().getUid().equals(before.getMetadata().getUid())
                  && ready(p);
            });
    Pod after = pod("zk-1");
    assertThat(after.getStatus().getPodIP()).isEqualTo(before.getStatus().getPodIP());
    assertThat(read(after, "/before-delete")).isEqualTo("kept");
    assertEnsemble(pods(), Set.of(1, 2, 3));
  }

  @Test
  @Order(3)
  void crashedMemberIsRestartedAndCounted() throws Exception {
    // given
    awaitReady(3);

    // when
    cluster.agent().crash(NS, "zk-2");

    // then
    await("zk-2 restarted and ready")
        .atMost(TIMEOUT)
        .until(
            () -> {
              Pod p = pod("zk-2");
              return ready(p) && p.getStatus().getContainerStatuses().get(0).getRestartCount() == 1;
            });
    assertEnsemble(pods(), Set.of(1, 2, 3));
  }

  @Test
  @Order(4)
  void newOrdinalStartsFromTheLiveConfigurationAndVotesOnceAdded() throws Exception {
    // when
    cluster.client().apps().statefulSets().inNamespace(NS).withName("zk").scale(4);
    awaitReady(4);

    // then: it follows the ensemble without a vote until it is added
    Pod newcomer = pod("zk-3");
    assertThat(ZooKeeperProbe.mode(newcomer.getStatus().getPodIP(), zk.clientPort()))
        .isIn("follower", "observer");
    assertThat(configOf(pod("zk-0")).servers()).containsOnlyKeys(1, 2, 3);

    // when
    List<Member> current =
        pods().stream().filter(p -> !p.equals(newcomer)).map(this::member).toList();
    try (ZooKeeperMembership membership = new ZooKeeperMembership()) {
      membership.join(member(newcomer), current);
    }

    // then
    await("4 voting members")
        .atMost(TIMEOUT)
        .untilAsserted(() -> assertEnsemble(pods(), Set.of(1, 2, 3, 4)));
  }

  @Test
  @Order(5)
  void podThatDoesNotFitStaysPendingNamingTheResource() {
    // given: the node has 2 CPUs; the ensemble asked for 0.4
    Pod big =
        new PodBuilder()
            .withNewMetadata()
            .withName("too-big")
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("zookeeper")
            .withImage("zookeeper:3.9")
            .withNewResources()
            .withRequests(Map.of("cpu", new Quantity("1800m")))
            .endResources()
            .endContainer()
            .endSpec()
            .build();

    // when
    cluster.client().resource(big).create();

    // then
    await("too-big reported unschedulable")
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Pod p = pod("too-big");
              return p.getStatus().getConditions() != null
                  && p.getStatus().getConditions().stream()
                      .anyMatch(
                          c ->
                              c.getType().equals("PodScheduled")
                                  && c.getStatus().equals("False")
                                  && "Unschedulable".equals(c.getReason())
                                  && c.getMessage().contains("Insufficient cpu"));
            });
    assertThat(pod("too-big").getSpec().getNodeName()).isNull();
  }

  private static void awaitReady(int n) {
    await(n + " ready members")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              var sts = cluster.client().apps().statefulSets().inNamespace(NS).withName("zk").get();
              assertThat(pods())
                  .as("pods and their Ready conditions")
                  .hasSize(n)
                  .allSatisfy(
                      p ->
                          assertThat(readiness(p)).as(p.getMetadata().getName()).isEqualTo("True"));
              assertThat(sts.getStatus().getReadyReplicas())
                  .as("StatefulSet readyReplicas")
                  .isEqualTo(n);
            });
  }

  private static String readiness(Pod p) {
    return p.getStatus() == null || p.getStatus().getConditions() == null
        ? "no status"
        : p.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("Ready"))
            .map(c -> c.getStatus() + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"))
            .findFirst()
            .orElse("no Ready condition");
  }

  private static List<Pod> pods() {
    return cluster.client().pods().inNamespace(NS).withLabel("app", "zk").list().getItems().stream()
        .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  private static Pod pod(String name) {
    return cluster.client().pods().inNamespace(NS).withName(name).get();
  }

  private static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("Ready"))
            .map(PodCondition::getStatus)
            .anyMatch("True"::equals);
  }

  private Member member(Pod p) {
    return new Member(
        Integer.parseInt(p.getMetadata().getName().substring(3)),
        p.getStatus().getPodIP(),
        Map.of(
            ZooKeeperServerConfig.CLIENT_PORT, zk.clientPort(),
            ZooKeeperServerConfig.QUORUM_PORT, port(p, ZooKeeperServerConfig.QUORUM_PORT),
            ZooKeeperServerConfig.ELECTION_PORT, port(p, ZooKeeperServerConfig.ELECTION_PORT)));
  }

  private static int port(Pod p, String name) {
    return p.getSpec().getContainers().get(0).getPorts().stream()
        .filter(cp -> name.equals(cp.getName()))
        .findFirst()
        .orElseThrow()
        .getContainerPort();
  }

  private static ZooKeeperProbe.Config configOf(Pod p) throws Exception {
    return ZooKeeperProbe.config(p.getStatus().getPodIP(), zk.clientPort(), Duration.ofSeconds(5));
  }

  /** Every member serves the same configuration with exactly {@code ids}, and one leads. */
  private static void assertEnsemble(List<Pod> pods, Set<Integer> ids) throws Exception {
    int leaders = 0;
    long version = -1;
    for (Pod p : pods) {
      ZooKeeperProbe.Config c = configOf(p);
      assertThat(c.servers())
          .as("servers seen by %s", p.getMetadata().getName())
          .containsOnlyKeys(ids);
      for (int id : ids) {
        Pod owner =
            pods.stream()
                .filter(x -> x.getMetadata().getName().equals("zk-" + (id - 1)))
                .findFirst()
                .orElseThrow();
        assertThat(c.servers().get(id)).startsWith(owner.getStatus().getPodIP() + ":");
      }
      if (version >= 0) {
        assertThat(c.version()).isEqualTo(version);
      }
      version = c.version();
      if (ZooKeeperProbe.mode(p.getStatus().getPodIP(), zk.clientPort()).equals("leader")) {
        leaders++;
      }
    }
    assertThat(leaders).isEqualTo(1);
  }

  private static void write(Pod p, String path, String value) throws Exception {
    try (ZooKeeper z = session(p)) {
      z.create(
          path,
          value.getBytes(StandardCharsets.UTF_8),
          ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.PERSISTENT);
    }
  }

  private static String read(Pod p, String path) throws Exception {
    try (ZooKeeper z = session(p)) {
      z.sync(path);
      return new String(z.getData(path, false, null), StandardCharsets.UTF_8);
    }
  }

  private static ZooKeeper session(Pod p) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper z =
        new ZooKeeper(
            p.getStatus().getPodIP() + ":" + zk.clientPort(),
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    assertThat(connected.await(10, TimeUnit.SECONDS))
        .as("session with %s", p.getMetadata().getName())
        .isTrue();
    return z;
  }
}
