package dev.ballast.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CounterRatesTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final CounterRates rates = new CounterRates(clock);

  @Test
  void hasNoRateOnTheFirstRead() {
    assertThat(rates.perSecond("k", 100)).isEmpty();
  }

  @Test
  void dividesTheIncreaseByTheSecondsBetweenReads() {
    // given
    rates.perSecond("k", 100);
    clock.advance(Duration.ofSeconds(15));

    // when / then
    assertThat(rates.perSecond("k", 400)).hasValue(20.0);
  }

  @Test
  void keepsKeysApart() {
    // given
    rates.perSecond("a", 0);
    rates.perSecond("b", 1000);
    clock.advance(Duration.ofSeconds(10));

    // when / then
    assertThat(rates.perSecond("a", 50)).hasValue(5.0);
    assertThat(rates.perSecond("b", 1100)).hasValue(10.0);
  }

  @Test
  void aResetCounterHasNoRateForThatIntervalAndIsMeasuredFromItsNewValue() {
    // given: the process restarted between reads, its counter fell from 5000 to 30
    rates.perSecond("k", 5000);
    clock.advance(Duration.ofSeconds(10));

    // when / then: when in those 10 s it restarted is unknown, so no figure rather than 3/s
    assertThat(rates.perSecond("k", 30)).isEmpty();
    clock.advance(Duration.ofSeconds(10));
    assertThat(rates.perSecond("k", 230)).hasValue(20.0);
  }

  @Test
  void waitsForTimeToPassAndKeepsTheOlderRead() {
    // given
    rates.perSecond("k", 10);

    // when: a second read at the same instant, then one later
    assertThat(rates.perSecond("k", 20)).isEmpty();
    clock.advance(Duration.ofSeconds(2));

    // then: measured from the first read
    assertThat(rates.perSecond("k", 30)).hasValue(10.0);
  }

  @Test
  void ignoresValuesThatAreNotNumbers() {
    // given
    rates.perSecond("k", 10);
    clock.advance(Duration.ofSeconds(1));

    // when / then
    assertThat(rates.perSecond("k", Double.NaN)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(rates.perSecond("k", 30)).hasValue(10.0);
  }
}
