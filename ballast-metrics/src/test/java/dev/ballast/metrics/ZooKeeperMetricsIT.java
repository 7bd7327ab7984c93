package dev.ballast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MetricSample;
import dev.ballast.core.port.MetricUnavailableException;
import dev.ballast.metrics.testing.ZooKeeperTestEnsemble;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooKeeperMetricsIT {
  @TempDir static Path dir;
  static ZooKeeperTestEnsemble zk;

  @BeforeAll
  static void startZooKeeper() {
    zk = ZooKeeperTestEnsemble.start(1, dir);
  }

  @AfterAll
  static void stopZooKeeper() {
    if (zk != null) {
      zk.close();
    }
  }

  @Test
  void readsGaugesAndARequestRateFromARealServersMntr() throws Exception {
    // given
    ZooKeeperMntrSource source =
        ZooKeeperMntrSource.overTcp("client", Duration.ofSeconds(2), Clock.systemUTC());
    List<Member> members = zk.members();
    MetricSample first = source.read("rate(zk_packets_received)", members);

    // when: 200 requests, then a second read
    try (ZooKeeper client = connect()) {
      client.create("/m", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      for (int i = 0; i < 200; i++) {
        client.setData("/m", new byte[] {(byte) i}, -1);
      }
      Thread.sleep(50); // a measurable interval between the two reads, not a wait for a condition
      MetricSample second = source.read("rate(zk_packets_received)", members);
      MetricSample connections = source.read("zk_num_alive_connections", members);
      MetricSample latency = source.read("zk_avg_latency", members);

      // then
      assertThat(first.byOrdinal()).isEmpty();
      assertThat(second.byOrdinal()).containsOnlyKeys(0);
      assertThat(second.byOrdinal().get(0)).isGreaterThan(0);
      // our client, plus the connection mntr itself is read over
      assertThat(connections.byOrdinal().get(0)).isGreaterThanOrEqualTo(2.0);
      assertThat(latency.byOrdinal()).containsOnlyKeys(0);
    }
  }

  @Test
  void namesTheMissingKeyWhenMntrHasNoSuchValue() {
    // given
    ZooKeeperMntrSource source =
        ZooKeeperMntrSource.overTcp("client", Duration.ofSeconds(2), Clock.systemUTC());

    // when / then
    assertThatThrownBy(() -> source.read("zk_no_such_key", zk.members()))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("no key 'zk_no_such_key'")
        .hasMessageContaining("zk_avg_latency");
  }

  @Test
  void reportsTheMetricUnavailableWhenNoMemberAnswers() {
    // given: a member on a port where nothing listens (the server's quorum-less peer port is free)
    Member nobody = new Member(0, "127.0.0.1", Map.of("client", 1));
    ZooKeeperMntrSource source =
        ZooKeeperMntrSource.overTcp("client", Duration.ofSeconds(1), Clock.systemUTC());

    // when / then
    assertThatThrownBy(() -> source.read("zk_avg_latency", List.of(nobody)))
        .isInstanceOf(MetricUnavailableException.class)
        .hasMessageContaining("no member answered mntr");
  }

  @Test
  void asksMembersInParallelSoThatSilentOnesCostOneDeadlineInAll() throws Exception {
    // given: the real server and four members that accept the connection and never answer
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Member> members = new ArrayList<>(zk.members());
      for (int i = 1; i <= 4; i++) {
        members.add(new Member(i, "127.0.0.1", Map.of("client", silent.getLocalPort())));
      }
      ZooKeeperMntrSource source =
          ZooKeeperMntrSource.overTcp("client", Duration.ofSeconds(1), Clock.systemUTC());

      // when
      long start = System.nanoTime();
      MetricSample sample = source.read("zk_num_alive_connections", members);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      // then: the answering member's value, within about one deadline (one at a time: 4 s)
      assertThat(sample.byOrdinal()).containsOnlyKeys(0);
      assertThat(took).isLessThan(Duration.ofMillis(2500));
    }
  }

  @Test
  void measuresTheCpuOfTheServerProcessInCores() throws Exception {
    // given
    long pid = zk.pid(0);
    ProcessCpuSource source = ProcessCpuSource.linux(o -> OptionalLong.of(pid), Clock.systemUTC());
    List<Member> members = zk.members();
    source.read("cpu", members);

    // when: keep the server busy while time passes, then read again
    try (ZooKeeper client = connect()) {
      client.create("/cpu", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
      int i = 0;
      while (System.nanoTime() < until) {
        client.setData("/cpu", new byte[] {(byte) i++}, -1);
      }
    }
    MetricSample sample = source.read("cpu", members);

    // then
    assertThat(sample.byOrdinal()).containsOnlyKeys(0);
    assertThat(sample.byOrdinal().get(0)).isGreaterThan(0.0).isLessThan(8.0);
    double procSeconds = source.cpuSeconds(pid).orElseThrow();
    double jdkSeconds =
        ProcessHandle.of(pid).orElseThrow().info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
    assertThat(procSeconds).isCloseTo(jdkSeconds, org.assertj.core.data.Offset.offset(0.5));
  }

  private static ZooKeeper connect() throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper client =
        new ZooKeeper(
            zk.connectString(),
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    await().atMost(Duration.ofSeconds(20)).until(() -> connected.getCount() == 0);
    return client;
  }
}
