package dev.ballast.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvironMarkerTest {
  private static final byte[] ENV =
      "HOME=/root\0BALLAST_MEMBER=/s/zk#1\0PATH=/bin\0".getBytes(StandardCharsets.UTF_8);

  @Test
  void findsTheExactMemberMarker() {
    assertThat(LocalProcessRuntime.containsEntry(ENV, bytes("BALLAST_MEMBER=/s/zk#1"), true))
        .isTrue();
  }

  @Test
  void doesNotConfuseMemberOneWithMemberTen() {
    byte[] env = "BALLAST_MEMBER=/s/zk#10\0".getBytes(StandardCharsets.UTF_8);

    assertThat(LocalProcessRuntime.containsEntry(env, bytes("BALLAST_MEMBER=/s/zk#1"), true))
        .isFalse();
    assertThat(LocalProcessRuntime.containsEntry(env, bytes("BALLAST_MEMBER=/s/zk#"), false))
        .isTrue();
  }

  @Test
  void ignoresAnotherClustersMarker() {
    assertThat(LocalProcessRuntime.containsEntry(ENV, bytes("BALLAST_MEMBER=/s/zk2#"), false))
        .isFalse();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
