package dev.ballast.local.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.history.HistoryRecord;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.RecordKind;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesHistoryStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  @TempDir Path dir;

  private static HistoryRecord stage(int i) {
    return new HistoryRecord(
        T0.plusSeconds(i),
        RecordKind.STAGE,
        Trigger.MANUAL,
        3,
        5,
        Outcome.SUCCEEDED,
        Duration.ofMillis(1200 + i),
        List.of("r" + i),
        "JOIN ok",
        "op-1",
        3,
        Stage.JOIN);
  }

  @Test
  void listsRecordsOldestFirstAcrossInstances() {
    // given
    JsonLinesHistoryStore store = new JsonLinesHistoryStore(dir.resolve("history.jsonl"));
    HistoryRecord decision =
        HistoryRecord.decision(T0, Trigger.AUTO, 3, 5, Outcome.IN_PROGRESS, List.of(), "cpu");

    // when
    store.append(decision);
    store.append(stage(1));
    store.append(stage(2));

    // then
    assertThat(new JsonLinesHistoryStore(dir.resolve("history.jsonl")).list())
        .containsExactly(decision, stage(1), stage(2));
    assertThat(store.recent(1)).containsExactly(stage(2));
  }

  @Test
  void writesOneJsonObjectPerLine() throws IOException {
    // given
    JsonLinesHistoryStore store = new JsonLinesHistoryStore(dir.resolve("history.jsonl"));

    // when
    store.append(stage(1));
    store.append(stage(2));

    // then
    List<String> lines = Files.readAllLines(dir.resolve("history.jsonl"));
    assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
    assertThat(lines.get(0)).contains("\"time\":\"2026-01-01T12:00:01Z\"", "\"stage\":\"JOIN\"");
  }

  @Test
  void skipsALastLineCutShortByACrash() throws IOException {
    // given
    Path file = dir.resolve("history.jsonl");
    JsonLinesHistoryStore store = new JsonLinesHistoryStore(file);
    store.append(stage(1));
    Files.writeString(
        file, "{\"time\":\"2026-01-01T12:00:0", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    // when
    List<HistoryRecord> records = store.list();

    // then
    assertThat(records).containsExactly(stage(1));
  }

  @Test
  void isEmptyBeforeTheFirstRecord() {
    assertThat(new JsonLinesHistoryStore(dir.resolve("history.jsonl")).list()).isEmpty();
  }
}
