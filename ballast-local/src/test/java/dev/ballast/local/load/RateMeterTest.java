package dev.ballast.local.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateMeterTest {
  private final MutableClock clock = new MutableClock();
  private final RateMeter meter = new RateMeter(clock, Duration.ofSeconds(5));

  @Test
  void reportsCompletionsPerSecondOverTheWindow() {
    // given: 20 completions per second for 10 seconds
    for (int s = 0; s < 10; s++) {
      for (int i = 0; i < 20; i++) {
        meter.record();
        clock.advance(Duration.ofMillis(50));
      }
    }

    // when / then
    assertThat(meter.perSecond()).isCloseTo(20, offset(0.5));
  }

  @Test
  void forgetsCompletionsOlderThanTheWindow() {
    // given
    for (int i = 0; i < 100; i++) {
      meter.record();
    }

    // when
    clock.advance(Duration.ofSeconds(6));

    // then
    assertThat(meter.perSecond()).isZero();
  }

  @Test
  void doesNotUnderstateTheFirstSeconds() {
    // given: 30 completions within the first second
    for (int i = 0; i < 30; i++) {
      meter.record();
      clock.advance(Duration.ofMillis(33));
    }

    // when / then: about 30/s, not 30 spread over 5 s
    assertThat(meter.perSecond()).isCloseTo(30, offset(1.5));
  }

  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
