package dev.ballast.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AllowedSizesRuleTest {

  record Case(String name, int proposed, int expected, ClampReason reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("an allowed size passes", 5, 5, null),
        new Case("4 rounds up to 5, never below need", 4, 5, ClampReason.NOT_ALLOWED_SIZE),
        new Case("6 rounds up to 7", 6, 7, ClampReason.NOT_ALLOWED_SIZE),
        new Case("2 rounds up to the smallest, 3", 2, 3, ClampReason.NOT_ALLOWED_SIZE),
        new Case("8 above the largest gets 7", 8, 7, ClampReason.ABOVE_LARGEST_ALLOWED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void roundsUpToTheNextAllowedSize(Case c) {
    // given
    var rule = new AllowedSizesRule();

    // when
    var clamp = rule.apply(c.proposed(), 3, Policies.oddSizes());

    // then
    assertThat(clamp.map(Clamp::after).orElse(c.proposed())).isEqualTo(c.expected());
    assertThat(clamp.map(Clamp::reason).orElse(null)).isEqualTo(c.reason());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void anyProposalPassesWhenEverySizeIsAllowed(Case c) {
    assertThat(new AllowedSizesRule().apply(c.proposed(), 3, Policies.bounds(1, 9))).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void theClampMessageNamesTheAllowedSizes() {
    var clamp = new AllowedSizesRule().apply(4, 3, Policies.oddSizes()).orElseThrow();
    assertThat(clamp.message())
        .isEqualTo("4 is not an allowed size; rounded up to 5 (allowed sizes are 3, 5, 7)");
  }
}
