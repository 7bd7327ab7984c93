package dev.ballast.local.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.predict.LoadSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesForecastStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  @TempDir Path dir;

  private static LoadSample at(int second, double load) {
    return new LoadSample(T0.plusSeconds(second), load);
  }

  @Test
  void keepsTheObservationsFromAnInstantAndForgetsTheOthersInTheFile() throws IOException {
    // given
    Path file = dir.resolve("forecast.jsonl");
    JsonLinesForecastStore store = JsonLinesForecastStore.of(file);
    for (int i = 0; i < 10; i++) {
      store.append(at(i * 15, 100 + i));
    }

    // when
    List<LoadSample> kept = store.keepFrom(T0.plusSeconds(90));

    // then: from 90 s on, and the file holds only those
    assertThat(kept).containsExactly(at(90, 106), at(105, 107), at(120, 108), at(135, 109));
    assertThat(Files.readAllLines(file)).hasSize(4);
    assertThat(JsonLinesForecastStore.of(file).keepFrom(T0)).isEqualTo(kept);
  }

  @Test
  void skipsLinesThatCannotBeReadAndDropsThem() throws IOException {
    // given: a line cut short by a crash and one edited by hand, between good ones
    Path file = dir.resolve("forecast.jsonl");
    JsonLinesForecastStore store = JsonLinesForecastStore.of(file);
    store.append(at(0, 1));
    Files.writeString(
        file,
        "{\"time\":\"2026-01-01T12:00:15Z\",\"lo\n{\"time\":\"yesterday\",\"load\":3}\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    store.append(at(30, 2));

    // when
    List<LoadSample> kept = store.keepFrom(T0);

    // then
    assertThat(kept).containsExactly(at(0, 1), at(30, 2));
    assertThat(Files.readAllLines(file)).hasSize(2);
  }

  @Test
  void aReadOnlyStoreReadsTheFileAndNeverChangesIt() throws IOException {
    // given
    Path file = dir.resolve("forecast.jsonl");
    JsonLinesForecastStore.of(file).append(at(0, 1));
    JsonLinesForecastStore.of(file).append(at(60, 2));
    String before = Files.readString(file);
    JsonLinesForecastStore readOnly = JsonLinesForecastStore.readOnly(file);

    // when
    List<LoadSample> kept = readOnly.keepFrom(T0.plusSeconds(30));
    readOnly.append(at(120, 3));

    // then
    assertThat(kept).containsExactly(at(60, 2));
    assertThat(Files.readString(file)).isEqualTo(before);
  }

  @Test
  void aMissingFileHasNoObservations() {
    assertThat(JsonLinesForecastStore.of(dir.resolve("none.jsonl")).keepFrom(T0)).isEmpty();
    assertThat(dir.resolve("none.jsonl")).doesNotExist();
  }
}
