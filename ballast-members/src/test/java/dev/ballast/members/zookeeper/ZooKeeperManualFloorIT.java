package dev.ballast.members.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ZooKeeperManualFloorIT {

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void measuresEachManualStepOfThreeToFiveAndBackOnRealServers(@TempDir Path work) {
    // when
    ZooKeeperManualFloor.Result result =
        ZooKeeperManualFloor.measure(work, System.getProperty("java.class.path"));

    // then
    assertThat(result.steps()).hasSize(4).allMatch(d -> d.compareTo(Duration.ZERO) > 0);
    assertThat(result.threeToFive())
        .isGreaterThanOrEqualTo(result.steps().get(0).plus(result.steps().get(1)));
    assertThat(result.fiveToThree())
        .isGreaterThanOrEqualTo(result.steps().get(2).plus(result.steps().get(3)));
    // Adding a server includes starting a JVM and syncing it: never instantaneous.
    assertThat(result.steps().get(0)).isGreaterThan(Duration.ofMillis(200));
  }
}
