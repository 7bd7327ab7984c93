package dev.ballast.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoundsRuleTest {
  private final BoundsRule rule = new BoundsRule();
  private final ScalingPolicy policy = Policies.bounds(3, 7);

  @Test
  void raisesAProposalBelowMinReplicasToTheMinimum() {
    var clamp = rule.apply(1, 3, policy).orElseThrow();
    assertThat(clamp.after()).isEqualTo(3);
    assertThat(clamp.reason()).isEqualTo(ClampReason.BELOW_MIN);
    assertThat(clamp.message()).isEqualTo("1 is below minReplicas 3");
  }

  @Test
  void lowersAProposalAboveMaxReplicasToTheMaximum() {
    var clamp = rule.apply(12, 3, policy).orElseThrow();
    assertThat(clamp.after()).isEqualTo(7);
    assertThat(clamp.reason()).isEqualTo(ClampReason.ABOVE_MAX);
  }

  @Test
  void passesAProposalWithinBounds() {
    assertThat(rule.apply(3, 5, policy)).isEmpty();
    assertThat(rule.apply(7, 5, policy)).isEmpty();
  }
}
