package dev.ballast.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JoinTimeLearnerTest {
  private final JoinTimeLearner learner = new JoinTimeLearner(PredictionSettings.defaults(true));

  private static List<Duration> minutes(int... m) {
    List<Duration> out = new ArrayList<>();
    for (int x : m) {
      out.add(Duration.ofMinutes(x));
    }
    return out;
  }

  @Test
  void usesTheDefaultUntilEnoughAddStepsCompleted() {
    assertThat(learner.estimate(List.of())).isEqualTo(Duration.ofMinutes(2));
    assertThat(learner.estimate(minutes(10, 10))).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void learnsTheNinetiethPercentileOfRecentSteps() {
    // given: ten steps of 1..10 minutes
    // then: nearest rank ceil(0.9 * 10) = 9th smallest
    assertThat(learner.estimate(minutes(5, 1, 9, 3, 10, 2, 8, 4, 7, 6)))
        .isEqualTo(Duration.ofMinutes(9));
  }

  @Test
  void forgetsStepsOlderThanTheWindow() {
    // given: 20 old slow steps, then 20 recent fast ones
    List<Duration> steps = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      steps.add(Duration.ofMinutes(30));
    }
    for (int i = 0; i < 20; i++) {
      steps.add(Duration.ofSeconds(100 + i));
    }
    // then: only the last 20 count; their 90th percentile is the 18th smallest
    assertThat(learner.estimate(steps)).isEqualTo(Duration.ofSeconds(117));
  }

  @Test
  void aSingleOutlierDoesNotSetTheEstimate() {
    assertThat(learner.estimate(minutes(3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 60)))
        .isEqualTo(Duration.ofMinutes(3));
  }
}
