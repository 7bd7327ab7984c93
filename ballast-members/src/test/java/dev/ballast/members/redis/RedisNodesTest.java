package dev.ballast.members.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.port.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisNodesTest {

  private static final String A = RedisServerConfig.newNodeId(0);
  private static final String B = RedisServerConfig.newNodeId(7);

  @Test
  void parsesSlotRangesSingleSlotsAndTheOpenMovesOfMyself() {
    // given
    String text =
        A
            + " 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-2 5 [6->-"
            + B
            + "] [9-<-"
            + B
            + "]\n"
            + B
            + " 127.0.0.1:7001@17001 master - 0 0 2 connected 6-8\n";

    // when
    RedisNodes nodes = RedisNodes.parse(text);

    // then
    assertThat(nodes.myself().id()).isEqualTo(A);
    assertThat(nodes.myself().slots()).containsExactly(0, 1, 2, 5);
    assertThat(nodes.myself().openSlots())
        .containsExactly(Map.entry(6, ">" + B), Map.entry(9, "<" + B));
    assertThat(nodes.byId(B).orElseThrow().slotCount()).isEqualTo(3);
    assertThat(nodes.all()).noneMatch(RedisNodes.Node::replica);
  }

  @Test
  void nodesDisagreeingAboutASlotHaveDifferentSignatures() {
    // given
    RedisNodes one =
        RedisNodes.parse(
            A
                + " a:1@2 myself,master - 0 0 1 connected 0-9\n"
                + B
                + " b:1@2 master - 0 0 1 connected 10\n");
    RedisNodes other =
        RedisNodes.parse(
            A
                + " a:1@2 master - 0 0 1 connected 0-8\n"
                + B
                + " b:1@2 myself,master - 0 0 1 connected 9-10\n");
    RedisNodes same =
        RedisNodes.parse(
            A
                + " a:1@2 master - 0 0 1 connected 0-9\n"
                + B
                + " b:1@2 myself,master - 0 0 1 connected 10\n");

    // then
    assertThat(one.signature()).isNotEqualTo(other.signature()).isEqualTo(same.signature());
  }

  @Test
  void aNodeIdNamesItsOrdinalAndForeignIdsNameNone() {
    // then
    assertThat(RedisServerConfig.ordinalOf(A)).contains(0);
    assertThat(RedisServerConfig.ordinalOf(B)).contains(7);
    assertThat(RedisServerConfig.newNodeId(7)).isNotEqualTo(B).hasSize(40);
    assertThat(RedisServerConfig.ordinalOf("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca")).isEmpty();
    assertThat(RedisServerConfig.ordinalOf("ba11a5")).isEmpty();
  }

  @Test
  void aNewNodeGetsANodesFileAndARestartedOneKeepsItsOwn(@TempDir Path dir) throws Exception {
    // given
    Member m = new Member(3, "127.0.0.1", Map.of("client", 7003, "bus", 17003));
    RedisServerConfig.prepareDataDir(m, dir);
    String first = Files.readString(dir.resolve(RedisServerConfig.NODES_FILE));

    // when
    RedisServerConfig.prepareDataDir(m, dir);

    // then
    assertThat(Files.readString(dir.resolve(RedisServerConfig.NODES_FILE))).isEqualTo(first);
    assertThat(RedisServerConfig.ordinalOf(first.substring(0, 40))).contains(3);
    assertThat(first).contains("myself,master");
  }
}
