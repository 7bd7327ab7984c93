package dev.ballast.core.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The histogram's checkpoint, restore and reference shift (the VPA's checkpoint semantics). */
class DecayingHistogramTest {
  private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

  @Test
  void aRestoredCheckpointGivesTheSamePercentilesBeforeAndAfterNewSamples() {
    // given a histogram with samples over an hour, and its checkpoint restored into a fresh one
    DecayingHistogram h = DecayingHistogram.cpu(Duration.ofHours(24), T0);
    for (int i = 0; i < 60; i++) {
      h.add(0.1 + (i % 7) * 0.05, 1.0, T0.plusSeconds(60L * i));
    }
    DecayingHistogram copy = DecayingHistogram.cpu(Duration.ofHours(24), Instant.EPOCH);
    copy.restore(h.checkpoint());

    // when both get the same new samples
    for (int i = 0; i < 10; i++) {
      h.add(0.9, 1.0, T0.plusSeconds(3600 + 60L * i));
      copy.add(0.9, 1.0, T0.plusSeconds(3600 + 60L * i));
    }

    // then their state and percentiles are identical
    assertThat(copy.checkpoint()).isEqualTo(h.checkpoint());
    for (double p : new double[] {0.5, 0.9, 0.95}) {
      assertThat(copy.percentile(p)).isEqualTo(h.percentile(p));
    }
  }

  @Test
  void aCheckpointHoldsAtMostOneEntryPerBucket() {
    // given a sample in every bucket of the CPU histogram
    DecayingHistogram h = DecayingHistogram.cpu(Duration.ofHours(24), T0);
    for (int i = 0; i <= h.buckets(); i++) {
      h.add(h.bucketStart(i), 1.0, T0);
    }

    // then
    assertThat(h.buckets()).isEqualTo(175);
    assertThat(h.checkpoint().weights()).hasSize(h.buckets());
  }

  @Test
  void aShortHalfLifeOverManyHalfLivesStaysFiniteAndKeepsTheNewestSamplesMedian() {
    // given a one-minute half-life: ten days are 14,400 half-lives (2^14400 overflows a double)
    DecayingHistogram h = DecayingHistogram.cpu(Duration.ofMinutes(1), T0);
    for (int day = 0; day < 10; day++) {
      h.add(5.0, 1.0, T0.plus(Duration.ofDays(day)));
    }

    // when: the last day sees 3 samples of 1 core within one second
    Instant last = T0.plus(Duration.ofDays(10));
    for (int i = 0; i < 3; i++) {
      h.add(1.0, 1.0, last.plusMillis(i));
    }

    // then the weights are finite, the old samples weigh nothing next to the new ones
    assertThat(h.checkpoint().total()).isFinite().isPositive();
    assertThat(h.checkpoint().reference()).isAfter(T0.plus(Duration.ofDays(9)));
    assertThat(h.percentile(0.95)).isBetween(1.0, 1.0 * 1.06);
  }

  @Test
  void aCheckpointOfAnotherShapeIsRefusedAndChangesNothing() {
    // given
    DecayingHistogram h = DecayingHistogram.cpu(Duration.ofHours(24), T0);
    h.add(2.0, 1.0, T0);
    DecayingHistogram.Checkpoint before = h.checkpoint();

    // when / then
    assertThatThrownBy(() -> h.restore(new DecayingHistogram.Checkpoint(T0, 1.0, Map.of(500, 1.0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bucket 500");
    assertThat(h.checkpoint()).isEqualTo(before);
  }
}
