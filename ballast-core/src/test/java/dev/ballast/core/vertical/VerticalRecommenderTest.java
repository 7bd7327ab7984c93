package dev.ballast.core.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VPA-like advice: decaying histograms, percentiles, safety margin and minimums. */
class VerticalRecommenderTest {
  private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
  private static final double MIB = 1024 * 1024;

  @Test
  void aPercentileIsTheEndOfItsBucketAtMostOneBucketAboveTheExactValue() {
    // given 100 samples of 1..100 cores
    DecayingHistogram h = DecayingHistogram.cpu(Duration.ofHours(24), T0);
    for (int i = 1; i <= 100; i++) {
      h.add(i, 1.0, T0);
    }

    // then
    assertThat(h.percentile(0.5)).isBetween(50.0, 50.0 * 1.06);
    assertThat(h.percentile(0.9)).isBetween(90.0, 90.0 * 1.06);
    assertThat(h.percentile(1.0)).isBetween(100.0, 100.0 * 1.06);
  }

  @Test
  void newerSamplesWeighMoreByTheHalfLife() {
    // given 10 samples of 1 core, then 2 half-lives later 5 samples of 3 cores (weight x4 each)
    DecayingHistogram h = DecayingHistogram.cpu(Duration.ofHours(24), T0);
    for (int i = 0; i < 10; i++) {
      h.add(1.0, 1.0, T0);
    }
    for (int i = 0; i < 5; i++) {
      h.add(3.0, 1.0, T0.plus(Duration.ofHours(48)));
    }

    // then the newer samples hold 20 of 30 weight: the median is theirs
    assertThat(h.percentile(0.5)).isBetween(3.0, 3.0 * 1.06);
    assertThat(h.percentile(0.3)).isBetween(1.0, 1.0 * 1.06);
  }

  @Test
  void recommendsPerMemberAndForAllWithTheMarginAndTheMinimums() {
    // given member 0 busy at 2 cores and 1 GiB, members 1 and 2 idle at 1 millicore and 5 MiB
    List<VerticalRecommender.Sample> samples = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Instant t = T0.plusSeconds(i);
      samples.add(new VerticalRecommender.Sample(0, t, 2.0, 1024 * MIB));
      samples.add(new VerticalRecommender.Sample(1, t, 0.001, 5 * MIB));
      samples.add(new VerticalRecommender.Sample(2, t, 0.001, 5 * MIB));
    }

    // when
    VerticalRecommender.Recommendation r =
        new VerticalRecommender(VerticalSettings.defaults()).recommend(samples);

    // then the busy member gets its usage plus 15%, the idle one the minimums
    VerticalRecommender.Advice busy = r.members().get(0);
    assertThat(busy.samples()).isEqualTo(60);
    assertThat(busy.cpu().target()).isBetween(2.0 * 1.15, 2.0 * 1.15 * 1.06);
    assertThat(busy.memory().target()).isBetween(1024 * MIB * 1.15, 1024 * MIB * 1.15 * 1.06);
    VerticalRecommender.Advice idle = r.members().get(1);
    assertThat(idle.cpu().target()).isEqualTo(0.025, within(1e-9));
    assertThat(idle.memory().target()).isEqualTo(250 * MIB, within(1.0));
    // all members together: a third of the samples are busy, so the 90th percentile is the busy
    // one's and the median the idle ones'
    assertThat(r.all().ordinal()).isNull();
    assertThat(r.all().samples()).isEqualTo(180);
    assertThat(r.all().cpu().target()).isEqualTo(busy.cpu().target(), within(1e-9));
    assertThat(r.all().cpu().lower()).isEqualTo(0.025, within(1e-9));
    assertThat(r.all().cpu().upper()).isGreaterThanOrEqualTo(r.all().cpu().target());
  }

  @Test
  void theEstimatesOfHistogramsFilledElsewhereAreTheRecommendersForTheSameSamples() {
    // given the samples of one member, and the same samples in histograms filled by hand
    VerticalRecommender recommender = new VerticalRecommender(VerticalSettings.defaults());
    List<VerticalRecommender.Sample> samples = new ArrayList<>();
    DecayingHistogram cpu = DecayingHistogram.cpu(Duration.ofHours(24), T0);
    DecayingHistogram memory = DecayingHistogram.memory(Duration.ofHours(24), T0);
    for (int i = 0; i < 21; i++) {
      Instant t = T0.plusSeconds(10L * i);
      double cores = 0.1 + 0.02 * (i % 5);
      double bytes = (300 + 10 * (i % 3)) * MIB;
      samples.add(new VerticalRecommender.Sample(0, t, cores, bytes));
      cpu.add(cores, 1.0, t);
      memory.add(bytes, 1.0, t);
    }

    // when
    VerticalRecommender.Advice all = recommender.recommend(samples).all();

    // then
    assertThat(recommender.cpuEstimate(cpu)).isEqualTo(all.cpu());
    assertThat(recommender.memoryEstimate(memory)).isEqualTo(all.memory());
  }
}
