package dev.ballast.local.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.execute.Operation;
import dev.ballast.core.execute.Phase;
import dev.ballast.core.history.Outcome;
import dev.ballast.core.history.Trigger;
import dev.ballast.core.plan.Plan;
import dev.ballast.core.plan.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOperationStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  @TempDir Path dir;

  private static Operation midJoin() {
    Operation started = Operation.start("op-1", Trigger.MANUAL, Plan.between(3, 5), T0, List.of());
    return new Operation(
        started.id(),
        started.trigger(),
        started.from(),
        started.to(),
        started.steps(),
        1,
        Stage.JOIN,
        2,
        T0,
        T0.plusSeconds(5),
        T0.plusSeconds(6),
        T0.plusSeconds(6),
        Map.of("zookeeper.dynamicConfig", "server.1=127.0.0.1:1:2:participant;127.0.0.1:3\n"),
        "reconfig refused",
        null,
        Phase.FORWARD,
        false,
        Outcome.IN_PROGRESS,
        null,
        null,
        List.of("manual request"));
  }

  @Test
  void loadsNothingBeforeTheFirstSave() {
    assertThat(new FileOperationStore(dir.resolve("operation.json")).load()).isEmpty();
  }

  @Test
  void loadsExactlyWhatWasSavedLast() {
    // given
    FileOperationStore store = new FileOperationStore(dir.resolve("operation.json"));
    store.save(Operation.start("op-0", Trigger.AUTO, Plan.between(5, 3), T0, List.of("cpu")));

    // when
    store.save(midJoin());

    // then: a fresh store (another process) reads the same journal
    assertThat(new FileOperationStore(dir.resolve("operation.json")).load()).contains(midJoin());
  }

  @Test
  void leavesNoTemporaryFileBehind() throws IOException {
    // given
    FileOperationStore store = new FileOperationStore(dir.resolve("operation.json"));

    // when
    for (int i = 0; i < 5; i++) {
      store.save(midJoin());
    }

    // then
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("operation.json");
    }
  }

  @Test
  void clearForgetsTheJournalAndIsIdempotent() {
    // given
    FileOperationStore store = new FileOperationStore(dir.resolve("operation.json"));
    store.save(midJoin());

    // when
    store.clear();
    store.clear();

    // then
    assertThat(store.load()).isEmpty();
    assertThat(dir.resolve("operation.json")).doesNotExist();
  }

  @Test
  void namesTheFileAndTheWayOutInOneLineWhenTheJournalIsUnreadable() throws IOException {
    // given
    Files.writeString(dir.resolve("operation.json"), "{\"id\": ");

    // when / then
    assertThatThrownBy(() -> new FileOperationStore(dir.resolve("operation.json")).load())
        .isInstanceOf(dev.ballast.local.io.StateFileException.class)
        .hasMessageStartingWith("the operation journal " + dir.resolve("operation.json"))
        .hasMessageContaining("move the file aside")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aJournalThatIsValidJsonButNoOperationIsUnreadableToo() throws IOException {
    // given
    Files.writeString(dir.resolve("operation.json"), "[]");

    // when / then
    assertThatThrownBy(() -> new FileOperationStore(dir.resolve("operation.json")).load())
        .isInstanceOf(dev.ballast.local.io.StateFileException.class);
  }
}
