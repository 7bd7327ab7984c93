package dev.ballast.local.runtime;

import dev.ballast.core.port.Member;
import dev.ballast.members.kafka.KafkaServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts a Kafka broker: {@code kafka.Kafka} in its own JVM from the class path of the running
 * Ballast (the ballast jar holds the Kafka server, as it holds ZooKeeper), with the properties
 * {@link KafkaServerConfig} writes. The controller quorum is started first when it does not run,
 * and the broker's data directory is formatted with the quorum's cluster id on its first start.
 */
public final class KafkaLauncher implements MemberLauncher {
  private final KafkaControllerQuorum quorum;
  private final String heap;
  private final String classPath;

  public KafkaLauncher(KafkaControllerQuorum quorum, String heap, String classPath) {
    this.quorum = quorum;
    this.heap = heap;
    this.classPath = classPath;
  }

  @Override
  public LaunchCommand prepare(
      Member member, Path memberDir, Path dataDir, Map<String, String> launchSettings)
      throws IOException {
    String voters = quorum.ensureRunning();
    KafkaServerConfig.formatBroker(member, dataDir, quorum.clusterId());
    Path config =
        KafkaServerConfig.write(
            memberDir, KafkaServerConfig.brokerProperties(member, dataDir, voters));
    return new LaunchCommand(
        KafkaServerConfig.brokerCommand(java(), heap, config), Map.of("CLASSPATH", classPath));
  }

  /** The {@code java} of the running Ballast. */
  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }
}
