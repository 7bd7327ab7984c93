package dev.ballast.members.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.port.Member;
import dev.ballast.core.port.MembershipException;
import dev.ballast.members.hooks.HookRunner;
import dev.ballast.members.hooks.HooksSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer list's rolling restart ({@code afterChange: Restart}) and its state file. */
class PeerListPublisherTest {
  @TempDir Path dir;

  /** Records restarts; can be made to fail (a crash) at one member, or to find members down. */
  private static final class RecordingRestarter implements MemberRestarter {
    final List<Integer> restarted = new ArrayList<>();
    final Set<Integer> down = new HashSet<>();
    Integer crashAt;

    @Override
    public Optional<String> refusal(Member member, List<Member> members) {
      return members.stream()
          .filter(m -> m.ordinal() != member.ordinal() && down.contains(m.ordinal()))
          .findFirst()
          .map(m -> "member " + m.ordinal() + " is not running");
    }

    @Override
    public String restart(Member member, List<Member> members) {
      if (Integer.valueOf(member.ordinal()).equals(crashAt)) {
        crashAt = null;
        throw new IllegalStateException(
            "ballast was killed while member " + member.ordinal() + " restarted");
      }
      restarted.add(member.ordinal());
      return "pid " + (100 + member.ordinal());
    }
  }

  private static List<Member> members(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> new Member(i, "127.0.0.1", Map.of("http", 8000 + i)))
        .toList();
  }

  private PeerListPublisher publisher(RecordingRestarter restarter) {
    PeerListSpec spec =
        new PeerListSpec(
            dir.resolve("peers.properties"),
            "# version {version}\nurls=",
            "http://{host}:{port:http}/",
            ",",
            "\n",
            List.of(),
            PeerListSpec.AfterChange.RESTART);
    return new PeerListPublisher(
        spec,
        new HookRunner(HooksSpec.HttpSettings.defaults(), dir),
        dir.resolve("peers.json"),
        restarter);
  }

  @Test
  void restartsOnlyTheMembersThatHaveNotReadTheNewListInOrdinalOrder() throws Exception {
    // given two members that started with version 1, and a third that starts with version 2
    RecordingRestarter restarter = new RecordingRestarter();
    PeerListPublisher peers = publisher(restarter);
    peers.writeOnly(members(2));
    peers.publish(members(2));
    assertThat(restarter.restarted).as("members that started with the list").isEmpty();
    peers.beforeStart(members(3), List.of(2));

    // when the grown list is published
    List<String> lines = peers.publish(members(3));

    // then the two old members were restarted, one after the other, and the new one was not
    assertThat(restarter.restarted).containsExactly(0, 1);
    assertThat(lines).contains("member 0 restarted for version 2: pid 100");
    assertThat(peers.version()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("peers.properties")))
        .isEqualTo(
            "# version 2\nurls=http://127.0.0.1:8000/,http://127.0.0.1:8001/,http://127.0.0.1:8002/\n");
    // and publishing it again restarts nobody
    assertThat(peers.publish(members(3))).isEmpty();
    assertThat(restarter.restarted).containsExactly(0, 1);
  }

  @Test
  void aCrashDuringTheRollingRestartResumesAtTheMemberItStoppedAt() {
    // given three members, and a crash while member 1 restarts for the shrunk list
    RecordingRestarter restarter = new RecordingRestarter();
    PeerListPublisher peers = publisher(restarter);
    peers.writeOnly(members(3));
    peers.publish(members(3));
    restarter.crashAt = 1;
    assertThatThrownBy(() -> peers.publish(members(2))).hasMessageContaining("killed");
    assertThat(restarter.restarted).containsExactly(0);

    // when PUBLISH runs again (resume)
    List<String> lines = peers.publish(members(2));

    // then member 0 is not restarted twice, member 1 is, and the version did not move
    assertThat(restarter.restarted).containsExactly(0, 1);
    assertThat(lines).hasSize(2).last().asString().startsWith("member 1 restarted for version 2");
    assertThat(peers.version()).isEqualTo(2);
  }

  @Test
  void neverRestartsAMemberWhileAnotherIsDown() {
    // given three members of which member 2 is down
    RecordingRestarter restarter = new RecordingRestarter();
    PeerListPublisher peers = publisher(restarter);
    peers.writeOnly(members(2));
    peers.publish(members(2));
    peers.beforeStart(members(3), List.of(2));
    restarter.down.add(2);

    // when the list is published
    // then nothing is restarted and the failure names the member that is down
    assertThatThrownBy(() -> peers.publish(members(3)))
        .isInstanceOf(MembershipException.class)
        .hasMessageContaining("member 0 was not restarted to read the peer list version 2")
        .hasMessageContaining("member 2 is not running");
    assertThat(restarter.restarted).isEmpty();
  }

  @Test
  void aLocalReloadHookNamesEachMembersDataFolderAndTheCopyIsWrittenBeforeIt() throws Exception {
    // given an exec reload hook that records {dataDir} and {file}, and a copy in each data folder
    PeerListSpec spec =
        new PeerListSpec(
            dir.resolve("peers/cluster.conf"),
            "# version {version}\n",
            "{host}:{port:http}",
            "\n",
            "\n",
            List.of(
                dev.ballast.members.hooks.Hook.exec(
                    "reload[0]",
                    List.of(
                        "sh", "-c", "cat \"$0/conf/cluster.conf\" > \"$0/seen\"", "{dataDir}"))),
            PeerListSpec.AfterChange.RELOAD,
            Optional.of("{dataDir}/conf/cluster.conf"));
    PeerListPublisher peers =
        new PeerListPublisher(
            spec,
            new HookRunner(HooksSpec.HttpSettings.defaults(), dir),
            dir.resolve("peers.json"),
            null,
            k -> dir.resolve("member-" + k));

    // when the list of two members is published
    peers.publish(members(2));

    // then each member's hook ran in its own folder and read its copy of version 1
    String list = "# version 1\n127.0.0.1:8000\n127.0.0.1:8001\n";
    for (int k = 0; k < 2; k++) {
      assertThat(dir.resolve("member-" + k + "/seen")).hasContent(list);
    }
    assertThat(dir.resolve("peers/cluster.conf")).hasContent(list);
  }

  @Test
  void reloadHooksAreRefusedWithARestart() {
    assertThatThrownBy(
            () ->
                new PeerListSpec(
                    dir.resolve("f"),
                    "",
                    "{host}",
                    ",",
                    "",
                    List.of(
                        new dev.ballast.members.hooks.Hook(
                            "reload[0]",
                            Optional.empty(),
                            List.of("true"),
                            Map.of(),
                            Optional.empty(),
                            dev.ballast.members.hooks.Hook.DEFAULT_TIMEOUT,
                            1,
                            java.time.Duration.ofSeconds(1))),
                    PeerListSpec.AfterChange.RESTART))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
