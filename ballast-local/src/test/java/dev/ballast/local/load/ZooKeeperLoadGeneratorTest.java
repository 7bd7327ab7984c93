package dev.ballast.local.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.local.load.FakeZooKeeper.Creates;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The write accounting rules against a scripted ensemble: what counts as acknowledged, lost, in
 * doubt or failed. Runs on the real clock over a 300 ms profile.
 */
class ZooKeeperLoadGeneratorTest {
  private static final String BASE = "/t";
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private final FakeZooKeeper ensemble = new FakeZooKeeper();

  private static LoadSettings writes(Duration retryFor) {
    return LoadSettings.defaults(
            "127.0.0.1:2181", RateProfile.constant(100, Duration.ofMillis(300)))
        .withWriteFraction(1.0)
        .withBasePath(BASE)
        .withRetryFor(retryFor);
  }

  private ZooKeeperLoadGenerator generator(LoadSettings settings) {
    return new ZooKeeperLoadGenerator(settings, Clock.systemUTC(), ensemble);
  }

  @Test
  void acknowledgesAndVerifiesEveryWriteOfAHealthyEnsemble() throws Exception {
    // given
    try (ZooKeeperLoadGenerator load =
        generator(writes(Duration.ofSeconds(5)).withWriteFraction(0.5))) {
      load.start();

      // when
      assertThat(load.awaitFinished(SETTLE)).isTrue();
      LoadStats stats = load.stats();
      LoadResult result = load.verify(SETTLE);

      // then
      // 100 ops/s for 0.3 s: every operation due was either sent or, if the scheduler fell
      // behind on this busy machine, counted as skipped
      assertThat(stats.writesAttempted() + stats.reads() + stats.readFailures() + stats.skipped())
          .isBetween(29L, 30L);
      assertThat(stats.writesAttempted()).isPositive();
      assertThat(result.acknowledged()).isEqualTo(stats.writesAttempted());
      assertThat(result.acknowledged()).isEqualTo(ensemble.written(BASE));
      assertThat(result.lost()).isZero();
      assertThat(result.failedAttempts()).isZero();
      assertThat(result.nothingLost()).isTrue();
    }
  }

  @Test
  void acknowledgesARetriedWriteWhoseLostAttemptHadCommitted() throws Exception {
    // given: every first attempt commits but its answer is lost; the retry finds the node
    ensemble.creates = Creates.COMMIT_THEN_LOSE_CONNECTION_ONCE;
    try (ZooKeeperLoadGenerator load = generator(writes(Duration.ofSeconds(5)))) {
      load.start();

      // when
      assertThat(load.awaitFinished(SETTLE)).isTrue();
      LoadStats stats = load.stats();
      LoadResult result = load.verify(SETTLE);

      // then
      assertThat(stats.writeRetries()).isEqualTo(stats.writesAttempted());
      assertThat(stats.writesAcknowledged()).isEqualTo(stats.writesAttempted());
      assertThat(result.resolvedOnVerification()).isZero();
      assertThat(result.lost()).isZero();
    }
  }

  @Test
  void acknowledgesOnVerificationAWriteInDoubtThatHadCommitted() throws Exception {
    // given: writes commit but every answer is lost and there is no time to retry
    ensemble.creates = Creates.COMMIT_THEN_ALWAYS_LOSE_CONNECTION;
    try (ZooKeeperLoadGenerator load = generator(writes(Duration.ZERO))) {
      load.start();

      // when
      assertThat(load.awaitFinished(SETTLE)).isTrue();
      LoadStats stats = load.stats();
      LoadResult result = load.verify(SETTLE);

      // then
      assertThat(stats.writesAcknowledged()).isZero();
      assertThat(stats.writesInDoubt()).isEqualTo(stats.writesAttempted()).isPositive();
      assertThat(result.resolvedOnVerification()).isEqualTo(stats.writesAttempted());
      assertThat(result.acknowledged()).isEqualTo(stats.writesAttempted());
      assertThat(result.failedAttempts()).isZero();
      assertThat(result.lost()).isZero();
    }
  }

  @Test
  void countsAWriteInDoubtThatNeverCommittedAsAFailedAttemptNotALoss() throws Exception {
    // given
    ensemble.creates = Creates.LOSE_CONNECTION_WITHOUT_COMMIT;
    try (ZooKeeperLoadGenerator load = generator(writes(Duration.ZERO))) {
      load.start();

      // when
      assertThat(load.awaitFinished(SETTLE)).isTrue();
      LoadResult result = load.verify(SETTLE);

      // then
      assertThat(result.attempted()).isPositive();
      assertThat(result.acknowledged()).isZero();
      assertThat(result.failedAttempts()).isEqualTo(result.attempted());
      assertThat(result.lost()).isZero();
    }
  }

  @Test
  void countsARefusedWriteAsAFailedAttemptNotALoss() throws Exception {
    // given
    ensemble.creates = Creates.REFUSE;
    try (ZooKeeperLoadGenerator load = generator(writes(Duration.ofSeconds(5)))) {
      load.start();

      // when
      assertThat(load.awaitFinished(SETTLE)).isTrue();
      LoadStats stats = load.stats();
      LoadResult result = load.verify(SETTLE);

      // then
      assertThat(stats.writesFailed()).isEqualTo(stats.writesAttempted()).isPositive();
      assertThat(stats.writeRetries()).isZero();
      assertThat(result.failedAttempts()).isEqualTo(result.attempted());
      assertThat(result.lost()).isZero();
    }
  }

  @Test
  void reportsAcknowledgedWritesThatVanishedOrChangedAsLost() throws Exception {
    // given
    try (ZooKeeperLoadGenerator load = generator(writes(Duration.ofSeconds(5)))) {
      load.start();
      assertThat(load.awaitFinished(SETTLE)).isTrue();
      String[] paths =
          ensemble.tree.keySet().stream()
              .filter(p -> p.startsWith(BASE + "/"))
              .sorted()
              .toArray(String[]::new);

      // when: one znode disappears and another holds a different value
      ensemble.tree.remove(paths[0]);
      ensemble.tree.put(paths[1], "not what was written".getBytes());
      LoadResult result = load.verify(SETTLE);

      // then
      assertThat(result.lost()).isEqualTo(2);
      assertThat(result.lostPaths()).containsExactlyInAnyOrder(paths[0], paths[1]);
      assertThat(result.nothingLost()).isFalse();
    }
  }

  @Test
  void opensANewSessionWhenItsSessionExpired() throws Exception {
    // given
    ensemble.firstSessionExpires = true;
    try (ZooKeeperLoadGenerator load = generator(writes(Duration.ofSeconds(5)))) {
      load.start();

      // when
      assertThat(load.awaitFinished(SETTLE)).isTrue();
      LoadResult result = load.verify(SETTLE);

      // then
      assertThat(ensemble.sessionsOpened.get()).isEqualTo(2);
      assertThat(result.acknowledged()).isEqualTo(result.attempted()).isPositive();
      assertThat(result.lost()).isZero();
    }
  }

  @Test
  void holdsBackOperationsBeyondTheInFlightCap() throws Exception {
    // given: an ensemble that never answers
    ensemble.creates = Creates.NEVER_ANSWER;
    try (ZooKeeperLoadGenerator load =
        generator(writes(Duration.ofSeconds(5)).withMaxInFlight(5))) {
      load.start();

      // when
      boolean finished = load.awaitFinished(Duration.ofMillis(600));
      LoadStats stats = load.stats();

      // then
      assertThat(finished).isFalse();
      assertThat(stats.writesAttempted()).isEqualTo(5);
      assertThat(stats.inFlight()).isEqualTo(5);
      assertThat(stats.skipped()).isPositive();
    }
  }

  @Test
  void readsBackWritesStillUnansweredWhenVerificationStarts() throws Exception {
    // given: writes commit but their answers never come
    ensemble.creates = Creates.COMMIT_NEVER_ANSWER;
    try (ZooKeeperLoadGenerator load = generator(writes(Duration.ofSeconds(30)))) {
      load.start();
      assertThat(load.awaitFinished(Duration.ofSeconds(1))).isFalse();
      assertThat(load.stats().inFlight()).isPositive();

      // when: verification gives up waiting after half its time and reads them back
      LoadResult result = load.verify(Duration.ofSeconds(2));

      // then
      assertThat(result.attempted()).isPositive();
      assertThat(result.resolvedOnVerification()).isEqualTo(result.attempted());
      assertThat(result.acknowledged()).isEqualTo(result.attempted());
      assertThat(result.lost()).isZero();
      assertThat(result.unverified()).isZero();
    }
  }

  @Test
  void failsToStartWhenNoServerAnswers() {
    // given
    ensemble.connects = false;
    LoadSettings settings = writes(Duration.ZERO);
    LoadSettings quick =
        new LoadSettings(
            settings.connectString(),
            settings.profile(),
            1.0,
            64,
            100,
            10,
            BASE,
            Duration.ofMillis(100),
            Duration.ZERO,
            1L);
    ZooKeeperLoadGenerator load = generator(quick);

    // when / then
    assertThatThrownBy(load::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("could not connect to ZooKeeper at 127.0.0.1:2181");
  }

  @Test
  void refusesToVerifyBeforeStarting() {
    try (ZooKeeperLoadGenerator load = generator(writes(Duration.ZERO))) {
      assertThatThrownBy(() -> load.verify(SETTLE))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("never started");
    }
  }

  @Test
  void writesUniquePathsUnderTheBaseWithValuesNamingTheWrite() throws Exception {
    // given
    try (ZooKeeperLoadGenerator load = generator(writes(Duration.ZERO))) {
      load.start();

      // when
      assertThat(load.awaitFinished(SETTLE)).isTrue();

      // then
      Map<String, byte[]> tree = ensemble.tree;
      assertThat(tree).containsKey(BASE);
      tree.forEach(
          (path, value) -> {
            if (path.startsWith(BASE + "/")) {
              assertThat(path).matches("/t/[0-9a-f]{8}-\\d{10}");
              String seq = path.substring(path.lastIndexOf('-') + 1);
              assertThat(new String(value)).contains(" " + Long.parseLong(seq) + " ").hasSize(64);
            }
          });
    }
  }
}
