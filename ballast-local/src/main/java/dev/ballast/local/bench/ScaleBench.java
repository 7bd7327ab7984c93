package dev.ballast.local.bench;

import dev.ballast.core.execute.ExecutionListener;
import dev.ballast.local.ClusterBusyException;
import dev.ballast.local.ClusterOperationException;
import dev.ballast.local.LocalClusterControl;
import dev.ballast.local.LocalWiring;
import dev.ballast.local.ScaleResult;
import dev.ballast.local.config.ClusterFile;
import dev.ballast.local.config.ClusterFileException;
import dev.ballast.members.zookeeper.ZooKeeperManualFloor;
import dev.ballast.members.zookeeper.ZooKeeperServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Times a local ZooKeeper ensemble going 3 → 5 and 5 → 3 through Ballast (the same engine, journal
 * and verification as {@code ballast scale}) next to the floor: the same steps done by hand with
 * plain ZooKeeper commands ({@link ZooKeeperManualFloor}). Both sides use the same server settings
 * ({@link ZooKeeperServerConfig#defaults()}) and start from a formed 3-server ensemble.
 */
public final class ScaleBench {

  /** Wall times of one run of each side. */
  public record Figures(
      Duration ballastThreeToFive,
      Duration ballastFiveToThree,
      Duration floorThreeToFive,
      Duration floorFiveToThree) {

    /** Ballast's time over the floor's, for 3 → 5. */
    public double upRatio() {
      return ratio(ballastThreeToFive, floorThreeToFive);
    }

    /** Ballast's time over the floor's, for 5 → 3. */
    public double downRatio() {
      return ratio(ballastFiveToThree, floorFiveToThree);
    }

    private static double ratio(Duration a, Duration b) {
      return (double) a.toNanos() / Math.max(1, b.toNanos());
    }
  }

  private ScaleBench() {}

  /**
   * Runs the floor, then Ballast, in fresh directories under {@code workDir}; members run from
   * {@code classPath}; {@code stages} hears Ballast's scaling events (for per-stage timings).
   * Everything started is stopped before returning.
   */
  public static Figures run(
      Path workDir, String classPath, Consumer<String> progress, ExecutionListener stages)
      throws ClusterOperationException {
    progress.accept("floor: plain ZooKeeper steps (getConfig, start, wait for follower, reconfig)");
    ZooKeeperManualFloor.Result floor =
        ZooKeeperManualFloor.measure(workDir.resolve("floor"), classPath);
    progress.accept(
        "floor: 3->5 "
            + floor.threeToFive().toMillis()
            + " ms, 5->3 "
            + floor.fiveToThree().toMillis()
            + " ms");

    ClusterFile cluster = benchCluster(workDir.resolve("ballast"));
    try (LocalWiring wiring = LocalWiring.exclusive(cluster, Clock.systemUTC())) {
      LocalClusterControl control = new LocalClusterControl(wiring);
      try {
        progress.accept("ballast: forming a 3-server ensemble (not timed)");
        control.up(Duration.ofMinutes(2), line -> {});
        long t0 = System.nanoTime();
        ScaleResult up = control.scale(5, stages);
        long t1 = System.nanoTime();
        require(up, 5);
        ScaleResult down = control.scale(3, stages);
        long t2 = System.nanoTime();
        require(down, 3);
        Figures figures =
            new Figures(
                Duration.ofNanos(t1 - t0),
                Duration.ofNanos(t2 - t1),
                floor.threeToFive(),
                floor.fiveToThree());
        progress.accept(
            "ballast: 3->5 "
                + figures.ballastThreeToFive().toMillis()
                + " ms, 5->3 "
                + figures.ballastFiveToThree().toMillis()
                + " ms");
        return figures;
      } finally {
        control.purge(java.util.Set.of());
      }
    } catch (ClusterBusyException e) {
      throw ClusterOperationException.refused(e.getMessage());
    }
  }

  private static void require(ScaleResult result, int size) throws ClusterOperationException {
    if (!result.verified()) {
      throw ClusterOperationException.failed(
          "bench scaling to " + size + " did not verify: " + result.message());
    }
  }

  private static ClusterFile benchCluster(Path dir) {
    ZooKeeperServerConfig defaults = ZooKeeperServerConfig.defaults();
    String yaml =
        """
        apiVersion: ballast.dev/v1alpha1
        kind: LocalCluster
        metadata:
          name: bench
        spec:
          stateDir: state
          replicas: 3
          minReplicas: 3
          maxReplicas: 5
          member:
            kind: zookeeper
            heap: %dm
            tickTime: %dms
        """
            .formatted(defaults.maxHeapMegabytes(), defaults.tickTime().toMillis());
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("bench.yaml");
      Files.writeString(file, yaml);
      return ClusterFile.load(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClusterFileException e) {
      throw new IllegalStateException("the bench cluster file is invalid: " + e.getMessage(), e);
    }
  }
}
