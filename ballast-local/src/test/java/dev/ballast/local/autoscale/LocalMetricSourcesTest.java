package dev.ballast.local.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalMetricSourcesTest {

  @Test
  void boundsOneReadOfAllMembersWithinTheSyncPeriod() {
    // when / then: half the period, at most the read timeout, at least 100 ms
    assertThat(LocalMetricSources.readDeadline(Duration.ofSeconds(2)))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(LocalMetricSources.readDeadline(Duration.ofSeconds(15)))
        .isEqualTo(LocalMetricSources.READ_TIMEOUT);
    assertThat(LocalMetricSources.readDeadline(Duration.ofMillis(100)))
        .isEqualTo(Duration.ofMillis(100));
  }
}
