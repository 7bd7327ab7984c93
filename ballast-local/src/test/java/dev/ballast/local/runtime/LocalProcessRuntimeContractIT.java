package dev.ballast.local.runtime;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.ReplicaRuntime;
import dev.ballast.core.testing.ReplicaRuntimeContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core's replica runtime contract on real processes: each member writes a file into its data
 * directory and then sleeps, so that the data policy checks have something to find.
 */
class LocalProcessRuntimeContractIT extends ReplicaRuntimeContract {
  @TempDir Path stateDir;

  @Override
  protected ReplicaRuntime newRuntime() {
    return new LocalProcessRuntime(
        stateDir,
        "127.0.0.1",
        List.of("client"),
        new CommandLauncher(
            "contract",
            List.of("sh", "-c", "echo {ordinal} > {dataDir}/state; exec sleep 600"),
            Map.of()),
        Clock.systemUTC(),
        Duration.ofSeconds(5));
  }

  @Override
  protected Optional<Boolean> dataPresent(ReplicaRuntime runtime, Member member) {
    return Optional.of(
        Files.exists(((LocalProcessRuntime) runtime).dataDir(member.ordinal()).resolve("state")));
  }
}
