package dev.ballast.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SizeRulesTest {

  @Test
  void roundsAnAutoscalingProposalOfFourUpToFive() {
    // when
    SizeDecision decision = SizeRules.standard().apply(4, 3, Policies.oddSizes());

    // then
    assertThat(decision.replicas()).isEqualTo(5);
    assertThat(decision.proposed()).isEqualTo(4);
    assertThat(decision.clamps())
        .extracting(Clamp::reason)
        .containsExactly(ClampReason.NOT_ALLOWED_SIZE);
  }

  @Test
  void recordsEveryClampInOrder() {
    // given a proposal above max on a cluster that may not shrink
    ScalingPolicy policy =
        ScalingPolicy.builder()
            .minReplicas(3)
            .maxReplicas(8)
            .allowedReplicas(List.of(3, 5, 7))
            .build();

    // when
    SizeDecision decision = SizeRules.standard().apply(12, 5, policy);

    // then
    assertThat(decision.replicas()).isEqualTo(7);
    assertThat(decision.clamps())
        .extracting(Clamp::reason)
        .containsExactly(ClampReason.ABOVE_MAX, ClampReason.ABOVE_LARGEST_ALLOWED);
    assertThat(decision.reasons())
        .containsExactly(
            "12 is above maxReplicas 8",
            "8 is above the largest allowed size 7 (allowed sizes are 3, 5, 7)");
  }

  @Test
  void holdsWhenAShrinkIsDisabledEvenAfterRounding() {
    // given
    ScalingPolicy policy =
        ScalingPolicy.builder()
            .minReplicas(3)
            .allowedReplicas(List.of(3, 5, 7))
            .shrink(ShrinkPolicy.DISABLED)
            .build();

    // when
    SizeDecision decision = SizeRules.standard().apply(2, 7, policy);

    // then
    assertThat(decision.replicas()).isEqualTo(7);
    assertThat(decision.clamps())
        .extracting(Clamp::reason)
        .containsExactly(ClampReason.BELOW_MIN, ClampReason.SHRINK_DISABLED);
  }

  @Test
  void passesAnAllowedProposalUnclamped() {
    SizeDecision decision = SizeRules.standard().apply(5, 3, Policies.oddSizes());
    assertThat(decision.replicas()).isEqualTo(5);
    assertThat(decision.clamped()).isFalse();
  }
}
