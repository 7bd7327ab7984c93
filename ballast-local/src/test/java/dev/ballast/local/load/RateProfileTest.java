package dev.ballast.local.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateProfileTest {
  // 10 s idle at 5/s, 10 s ramp to 105/s, 20 s at 105/s, 10 s back down, 10 s idle: 60 s
  private final RateProfile profile =
      RateProfile.idleRampPlateauIdle(5, 105, secs(10), secs(10), secs(20), secs(10), secs(10));

  @Test
  void followsIdleRampPlateauRampIdle() {
    assertThat(profile.rateAt(secs(0))).isEqualTo(5);
    assertThat(profile.rateAt(secs(9))).isEqualTo(5);
    assertThat(profile.rateAt(secs(15))).isCloseTo(55, offset(1e-9));
    assertThat(profile.rateAt(secs(20))).isEqualTo(105);
    assertThat(profile.rateAt(secs(39))).isEqualTo(105);
    assertThat(profile.rateAt(secs(45))).isCloseTo(55, offset(1e-9));
    assertThat(profile.rateAt(secs(55))).isEqualTo(5);
  }

  @Test
  void asksForNothingOutsideItsDuration() {
    assertThat(profile.rateAt(Duration.ofSeconds(-1))).isZero();
    assertThat(profile.rateAt(secs(60))).isZero();
    assertThat(profile.total()).isEqualTo(secs(60));
  }

  @Test
  void countsOperationsAsTheAreaUnderTheRate() {
    // idle 50 + ramp (5+105)/2*10 = 550 + plateau 2100 + ramp 550 + idle 50 = 3300
    assertThat(profile.operationsBy(secs(10))).isCloseTo(50, offset(1e-9));
    assertThat(profile.operationsBy(secs(15))).isCloseTo(50 + (5 + 55) / 2.0 * 5, offset(1e-9));
    assertThat(profile.operationsBy(secs(60))).isCloseTo(3300, offset(1e-9));
    assertThat(profile.operationsBy(secs(600))).isCloseTo(3300, offset(1e-9));
  }

  @Test
  void splitsTheDemoDurationIntoItsStory() {
    // when
    RateProfile demo = RateProfile.demo(Duration.ofSeconds(100), 10, 400);

    // then
    assertThat(demo.total()).isEqualTo(Duration.ofSeconds(100));
    assertThat(demo.idleBefore()).isEqualTo(secs(10));
    assertThat(demo.plateau()).isEqualTo(secs(35));
    assertThat(demo.idleAfter()).isEqualTo(secs(40));
    assertThat(demo.rateAt(secs(40))).isEqualTo(400);
    assertThat(demo.rateAt(secs(90))).isEqualTo(10);
  }

  @Test
  void holdsAConstantRate() {
    // when
    RateProfile constant = RateProfile.constant(50, secs(4));

    // then
    assertThat(constant.rateAt(secs(2))).isEqualTo(50);
    assertThat(constant.operationsBy(secs(4))).isCloseTo(200, offset(1e-9));
  }

  @Test
  void refusesRatesAndDurationsThatMakeNoSense() {
    assertThatThrownBy(() -> RateProfile.constant(-1, secs(1))).hasMessageContaining("idleRate");
    assertThatThrownBy(
            () ->
                RateProfile.idleRampPlateauIdle(10, 5, secs(1), secs(1), secs(1), secs(1), secs(1)))
        .hasMessageContaining("peakRate must be >= idleRate");
    assertThatThrownBy(() -> RateProfile.constant(5, Duration.ofSeconds(-1)))
        .hasMessageContaining("plateau must not be negative");
    assertThatThrownBy(() -> RateProfile.constant(5, Duration.ZERO))
        .hasMessageContaining("longer than zero");
  }

  private static Duration secs(long s) {
    return Duration.ofSeconds(s);
  }
}
