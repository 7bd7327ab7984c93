package dev.ballast.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {
  @TempDir Path dir;

  private static void ballastFiles(Path state) throws Exception {
    Files.createDirectories(state.resolve("members/0/data"));
    Files.writeString(state.resolve("members/0/member.log"), "log");
    Files.writeString(state.resolve("members.json"), "[]");
    Files.writeString(state.resolve("history.jsonl"), "");
    Files.writeString(state.resolve("ballast.lock"), "1");
    Files.writeString(state.resolve(".operation.json123.tmp"), "");
  }

  @Test
  void purgesADirectoryBallastCreatedWhole() throws Exception {
    // given
    Path state = dir.resolve("state");
    StateDirectory.create(state, "c", Instant.EPOCH);
    ballastFiles(state);

    // when
    StateDirectory.purge(state, Set.of());

    // then
    assertThat(state).doesNotExist();
  }

  @Test
  void refusesToPurgeADirectoryWithFilesBallastDidNotCreateAndDeletesNothing() throws Exception {
    // given: stateDir '.' beside a project's files
    ballastFiles(dir);
    Files.writeString(dir.resolve("pom.xml"), "<project/>");
    Files.createDirectories(dir.resolve("src/main"));
    Files.createDirectories(dir.resolve("members/notes"));

    // when / then
    assertThatThrownBy(() -> StateDirectory.purge(dir, Set.of()))
        .isInstanceOf(ClusterOperationException.class)
        .hasMessageStartingWith("refusing to purge " + dir)
        .hasMessageContaining("members/notes, pom.xml, src/")
        .hasMessageContaining("nothing was deleted")
        .satisfies(e -> assertThat(((ClusterOperationException) e).refused()).isTrue());
    assertThat(dir.resolve("pom.xml")).exists();
    assertThat(dir.resolve("members.json")).exists();
    assertThat(dir.resolve("members/0/member.log")).exists();
  }

  @Test
  void purgesOnlyBallastsFilesFromADirectoryItDidNotCreate() throws Exception {
    // given: an empty directory the user made for the cluster
    Path state = dir.resolve("mine");
    Files.createDirectories(state);
    ballastFiles(state);

    // when
    StateDirectory.purge(state, Set.of());

    // then: the directory stays, empty
    assertThat(state).isEmptyDirectory();
  }

  @Test
  void purgesTheFilesRecordedInTheMarker() throws Exception {
    // given
    Path state = dir.resolve("demo");
    StateDirectory.create(state, "demo", Instant.EPOCH);
    StateDirectory.recordFiles(state, Set.of("cluster.yaml", "report.html"));
    Files.writeString(state.resolve("cluster.yaml"), "kind: LocalCluster");
    Files.writeString(state.resolve("report.html"), "<html/>");
    ballastFiles(state);

    // when
    StateDirectory.purge(state, Set.of());

    // then
    assertThat(state).doesNotExist();
  }

  @Test
  void theCallerMayNameMoreFilesItWrote() throws Exception {
    // given
    Path state = dir.resolve("demo");
    StateDirectory.create(state, "demo", Instant.EPOCH);
    Files.writeString(state.resolve("report.html"), "<html/>");

    // when
    StateDirectory.purge(state, Set.of("report.html"));

    // then
    assertThat(state).doesNotExist();
  }
}
