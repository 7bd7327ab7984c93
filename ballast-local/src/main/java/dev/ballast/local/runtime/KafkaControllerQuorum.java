package dev.ballast.local.runtime;

import dev.ballast.core.port.Member;
import dev.ballast.members.kafka.KafkaServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fixed KRaft controller quorum of a local Kafka cluster: {@code size} controllers run as
 * detached processes by their own {@link LocalProcessRuntime} under {@code <stateDir>/}{@value
 * #DIR} (member table, logs, data, and the cluster id in {@value #CLUSTER_ID_FILE}). Brokers are
 * what scales; the quorum is started with the first broker and stopped with the cluster.
 */
public final class KafkaControllerQuorum {
  /** The directory of the controllers inside the cluster's state directory. */
  public static final String DIR = "controllers";

  /** The file that holds the cluster id every node is formatted with. */
  public static final String CLUSTER_ID_FILE = "cluster.id";

  private final LocalProcessRuntime runtime;
  private final Path dir;
  private final int size;

  /**
   * A quorum of {@code size} controllers for the cluster whose state directory is {@code stateDir},
   * each a JVM with {@code heap} running Kafka from {@code classPath}.
   */
  public KafkaControllerQuorum(
      Path stateDir,
      String host,
      int size,
      String heap,
      String classPath,
      Clock clock,
      Duration stopGrace) {
    if (size < 1) {
      throw new IllegalArgumentException(
          "a controller quorum needs at least 1 member, was " + size);
    }
    this.dir = stateDir.toAbsolutePath().normalize().resolve(DIR);
    this.size = size;
    this.runtime =
        new LocalProcessRuntime(
            dir,
            host,
            KafkaServerConfig.CONTROLLER_PORTS,
            new Launcher(heap, classPath),
            clock,
            stopGrace);
  }

  /** The runtime of the controllers (their members, processes and logs). */
  public LocalProcessRuntime runtime() {
    return runtime;
  }

  /** The cluster id, made on first use and kept in the controllers' directory. */
  public synchronized String clusterId() {
    Path file = dir.resolve(CLUSTER_ID_FILE);
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      }
      Files.createDirectories(dir);
      String id = KafkaServerConfig.newClusterId();
      Path tmp = dir.resolve(CLUSTER_ID_FILE + ".tmp");
      Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the Kafka cluster id in " + file, e);
    }
  }

  /**
   * Starts the controllers that do not run (reserving their ports the first time) and returns
   * {@code controller.quorum.voters}. Idempotent.
   */
  public synchronized String ensureRunning() {
    String clusterId = clusterId();
    List<Member> controllers = new ArrayList<>();
    for (int k = 0; k < size; k++) {
      controllers.add(runtime.prepare(k));
    }
    String voters = KafkaServerConfig.voters(controllers);
    for (Member c : controllers) {
      if (!runtime.isRunning(c.ordinal())) {
        runtime.start(c, Map.of(VOTERS, voters, CLUSTER_ID, clusterId));
      }
    }
    return voters;
  }

  /** Stops every controller (SIGTERM, then SIGKILL after the grace period). */
  public void stopAll() {
    runtime.stopAll();
  }

  private static final String VOTERS = "kafka.voters";
  private static final String CLUSTER_ID = "kafka.clusterId";

  /** Writes a controller's configuration and formats its directory before it runs. */
  private static final class Launcher implements MemberLauncher {
    private final String heap;
    private final String classPath;

    Launcher(String heap, String classPath) {
      this.heap = heap;
      this.classPath = classPath;
    }

    @Override
    public LaunchCommand prepare(
        Member member, Path memberDir, Path dataDir, Map<String, String> launchSettings)
        throws IOException {
      Path config =
          KafkaServerConfig.write(
              memberDir,
              KafkaServerConfig.controllerProperties(member, dataDir, launchSettings.get(VOTERS)));
      return new LaunchCommand(
          KafkaServerConfig.controllerCommand(
              KafkaLauncher.java(), heap, config, launchSettings.get(CLUSTER_ID)),
          Map.of("CLASSPATH", classPath));
    }
  }
}
