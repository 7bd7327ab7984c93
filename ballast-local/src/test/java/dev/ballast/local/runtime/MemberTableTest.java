package dev.ballast.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.local.io.StateFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemberTableTest {
  @TempDir Path dir;

  @Test
  void readsBackWhatItWrote() {
    // given
    MemberTable table = new MemberTable(dir.resolve("members.json"));
    MemberRecord row = new MemberRecord(0, "127.0.0.1", Map.of("client", 2181), 42L, 7L);

    // when
    table.write(List.of(row));

    // then
    assertThat(table.read()).containsExactly(row);
  }

  @Test
  void aTruncatedTableFailsWithOneLineNamingTheFileAndTheWayOut() throws Exception {
    // given
    Path file = dir.resolve("members.json");
    Files.writeString(file, "[{\"ordinal\": 0, \"ho");

    // when / then
    assertThatThrownBy(() -> new MemberTable(file).read())
        .isInstanceOf(StateFileException.class)
        .hasMessageStartingWith("the member table " + file + " cannot be read (")
        .hasMessageContaining("'ballast down' still stops the members it finds running")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
        .satisfies(e -> assertThat(((StateFileException) e).file()).isEqualTo(file));
  }
}
