package dev.ballast.local.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ballast.metrics.testing.ZooKeeperTestEnsemble;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

class ZooKeeperLoadGeneratorIT {
  @TempDir static Path dir;
  static ZooKeeperTestEnsemble zk;

  @BeforeAll
  static void startEnsemble() {
    zk = ZooKeeperTestEnsemble.start(3, dir);
  }

  @AfterAll
  static void stopEnsemble() {
    if (zk != null) {
      zk.close();
    }
  }

  @Test
  void verifiesEveryAcknowledgedWriteWhileTheLeaderIsKilledAndRestarted(TestReporter report)
      throws Exception {
    // given: a short idle → ramp → plateau → idle profile, half writes
    RateProfile profile =
        RateProfile.idleRampPlateauIdle(
            20, 250, secs(1), secs(1), secs(4), Duration.ofMillis(500), Duration.ofMillis(500));
    LoadSettings settings =
        LoadSettings.defaults(zk.connectString(), profile)
            .withWriteFraction(0.5)
            .withBasePath("/it/leader-killed");
    try (ZooKeeperLoadGenerator load = new ZooKeeperLoadGenerator(settings, Clock.systemUTC())) {
      load.start();
      await().atMost(secs(10)).until(() -> load.stats().writesAcknowledged() >= 100);

      // when: the leader dies mid-load, writes go on through the other members, then it returns
      int leader = leader();
      zk.kill(leader);
      long beforeRecovery = load.stats().writesAcknowledged();
      await()
          .atMost(secs(15))
          .until(() -> load.stats().writesAcknowledged() >= beforeRecovery + 100);
      zk.restart(leader);
      assertThat(load.awaitFinished(secs(30))).isTrue();
      LoadStats stats = load.stats();
      LoadResult result = load.verify(secs(30));
      report.publishEntry("result", result + " " + stats);

      // then
      assertThat(result.lost()).isZero();
      assertThat(result.unverified()).isZero();
      assertThat(result.nothingLost()).isTrue();
      assertThat(result.acknowledged()).isGreaterThan(300);
      assertThat(result.acknowledged() + result.failedAttempts()).isEqualTo(result.attempted());
      assertThat(result.reads()).isPositive();
      // the leader's death closed every client connection: the test did cross a disruption
      assertThat(stats.writeRetries() + stats.readFailures()).isPositive();
    }
  }

  @Test
  void followsAnUpdatedConnectStringWhenItsOnlyServerGoesAway() throws Exception {
    // given: a generator that first knows only member 0
    LoadSettings settings =
        LoadSettings.defaults("127.0.0.1:" + zk.clientPort(0), RateProfile.constant(100, secs(6)))
            .withWriteFraction(1.0)
            .withBasePath("/it/connect-string");
    try (ZooKeeperLoadGenerator load = new ZooKeeperLoadGenerator(settings, Clock.systemUTC())) {
      load.start();
      await().atMost(secs(10)).until(() -> load.stats().writesAcknowledged() >= 50);

      // when: it learns every member, then member 0 dies
      load.updateConnectString(zk.connectString());
      zk.kill(0);
      long before = load.stats().writesAcknowledged();

      // then: writes are acknowledged through the others
      await().atMost(secs(15)).until(() -> load.stats().writesAcknowledged() >= before + 100);
      zk.restart(0);
      LoadResult result = load.verify(secs(30));
      assertThat(result.lost()).isZero();
      assertThat(result.unverified()).isZero();
      assertThat(load.connectString()).isEqualTo(zk.connectString());
    }
  }

  @Test
  void issuesWhatTheProfileAsksAndCountsAWriteDeletedBehindItsBackAsLost() throws Exception {
    // given: 100 writes per second for 2 seconds
    LoadSettings settings =
        LoadSettings.defaults(zk.connectString(), RateProfile.constant(100, secs(2)))
            .withWriteFraction(1.0)
            .withBasePath("/it/deleted");
    try (ZooKeeperLoadGenerator load = new ZooKeeperLoadGenerator(settings, Clock.systemUTC());
        ZooKeeper other = connect()) {
      load.start();
      assertThat(load.awaitFinished(secs(20))).isTrue();
      LoadStats stats = load.stats();

      // when: someone else deletes one acknowledged znode
      List<String> children = other.getChildren("/it/deleted", false);
      String victim = "/it/deleted/" + children.get(0);
      other.delete(victim, -1);
      LoadResult result = load.verify(secs(20));

      // then
      assertThat(stats.writesAttempted()).isBetween(180L, 200L);
      assertThat(stats.finished()).isTrue();
      assertThat(children).hasSize((int) stats.writesAcknowledged());
      assertThat(result.lost()).isEqualTo(1);
      assertThat(result.lostPaths()).containsExactly(victim);
      assertThat(result.nothingLost()).isFalse();
    }
  }

  private static int leader() throws Exception {
    for (int i = 0; i < 3; i++) {
      if (zk.fourLetterWord(i, "srvr").contains("Mode: leader")) {
        return i;
      }
    }
    throw new IllegalStateException("no leader among the members");
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
    assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
    return client;
  }

  private static Duration secs(long s) {
    return Duration.ofSeconds(s);
  }
}
