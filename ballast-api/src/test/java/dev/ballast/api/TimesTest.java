package dev.ballast.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimesTest {

  @Test
  void readsRfc3339WithZuluOffsetsAndFractions() {
    assertEquals(
        Instant.parse("2026-01-01T12:00:00Z"), Times.parseInstant("2026-01-01T12:00:00Z", "t"));
    assertEquals(
        Instant.parse("2026-01-01T10:00:00Z"),
        Times.parseInstant("2026-01-01T12:00:00+02:00", "t"));
    assertEquals(
        Instant.parse("2026-01-01T12:00:00.250Z"),
        Times.parseInstant("2026-01-01T12:00:00.25Z", "t"));
  }

  @Test
  void readsGosZeroTime() {
    assertEquals(Times.GO_ZERO_TIME, Times.parseInstant("0001-01-01T00:00:00Z", "t"));
    assertEquals("0001-01-01T00:00:00Z", Times.format(Times.GO_ZERO_TIME));
  }

  @Test
  void rejectsATimeWithoutOffsetNamingTheField() {
    InvalidDocumentException e =
        assertThrows(
            InvalidDocumentException.class,
            () -> Times.parseInstant("2026-01-01 12:00", "snapshot.now"));
    assertEquals("snapshot.now", e.path());
  }

  @Test
  void readsGoDurations() {
    assertEquals(Duration.ofSeconds(30), Times.parseGoDuration("30s", "w"));
    assertEquals(Duration.ofSeconds(90), Times.parseGoDuration("1m30s", "w"));
    assertEquals(Duration.ofMillis(1500), Times.parseGoDuration("1.5s", "w"));
    assertEquals(Duration.ofHours(1), Times.parseGoDuration("1h0m0s", "w"));
    assertThrows(InvalidDocumentException.class, () -> Times.parseGoDuration("30", "w"));
    assertThrows(InvalidDocumentException.class, () -> Times.parseGoDuration("s", "w"));
  }
}
