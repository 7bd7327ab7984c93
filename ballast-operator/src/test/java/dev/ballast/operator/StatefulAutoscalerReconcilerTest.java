package dev.ballast.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatefulAutoscalerReconcilerTest {

  @Test
  void aFailedFixedSizeIsRetriedAfterAWaitThatDoublesUpToTenMinutes() {
    // given / when / then
    assertThat(StatefulAutoscalerReconciler.retryBackoff(1)).isEqualTo(Duration.ofSeconds(30));
    assertThat(StatefulAutoscalerReconciler.retryBackoff(2)).isEqualTo(Duration.ofMinutes(1));
    assertThat(StatefulAutoscalerReconciler.retryBackoff(5)).isEqualTo(Duration.ofMinutes(8));
    assertThat(StatefulAutoscalerReconciler.retryBackoff(6)).isEqualTo(Duration.ofMinutes(10));
    assertThat(StatefulAutoscalerReconciler.retryBackoff(1000)).isEqualTo(Duration.ofMinutes(10));
  }
}
