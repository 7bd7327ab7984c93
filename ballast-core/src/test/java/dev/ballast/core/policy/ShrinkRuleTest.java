package dev.ballast.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShrinkRuleTest {
  private final ShrinkRule rule = new ShrinkRule();

  @Test
  void holdsTheCurrentSizeWhenShrinkIsDisabled() {
    // when
    var clamp = rule.apply(3, 5, Policies.noShrink(1, 9)).orElseThrow();

    // then
    assertThat(clamp.after()).isEqualTo(5);
    assertThat(clamp.reason()).isEqualTo(ClampReason.SHRINK_DISABLED);
    assertThat(clamp.message()).isEqualTo("shrinking is disabled; holding at 5 instead of 3");
  }

  @Test
  void letsGrowthThroughWhenShrinkIsDisabled() {
    assertThat(rule.apply(7, 5, Policies.noShrink(1, 9))).isEmpty();
  }

  @Test
  void letsShrinkThroughWhenShrinkIsAllowed() {
    assertThat(rule.apply(3, 5, Policies.bounds(1, 9))).isEmpty();
  }
}
