package dev.ballast.members.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.members.zookeeper.ZooKeeperFourLetterWords.ServerState;
import org.junit.jupiter.api.Test;

class ZooKeeperFourLetterWordsTest {

  @Test
  void srvrOfALeaderGivesModeAndZxid() {
    // given
    String answer =
        """
        Zookeeper version: 3.9.3-c26634f34490bb0ea7a09cc51e05ede3b4e320ee, built on 2024-10-17 23:21 UTC
        Latency min/avg/max: 0/0.4474/12
        Received: 1093
        Sent: 1094
        Connections: 2
        Outstanding: 0
        Zxid: 0x1000001cc
        Mode: leader
        Node count: 412
        Proposal sizes last/min/max: 48/32/1012
        """;

    // when
    ServerState state = ServerState.parse(answer);

    // then
    assertThat(state.serving()).isTrue();
    assertThat(state.leader()).isTrue();
    assertThat(state.zxid()).isEqualTo(0x1000001ccL);
    assertThat(state.summary()).isEqualTo("mode=leader zxid=0x1000001cc");
  }

  @Test
  void srvrOfAServerThatIsNotServingHasNoMode() {
    // when
    ServerState state =
        ServerState.parse("This ZooKeeper instance is not currently serving requests\n");

    // then
    assertThat(state.serving()).isFalse();
    assertThat(state.leader()).isFalse();
    assertThat(state.summary()).isEqualTo("not serving requests");
  }

  @Test
  void mntrIsParsedAsTabSeparatedPairs() {
    // when
    var values =
        ZooKeeperFourLetterWords.parseMntr(
            "zk_version\t3.9.3\nzk_server_state\tleader\nzk_synced_followers\t4\n");

    // then
    assertThat(values)
        .containsEntry("zk_server_state", "leader")
        .containsEntry("zk_synced_followers", "4")
        .hasSize(3);
  }
}
