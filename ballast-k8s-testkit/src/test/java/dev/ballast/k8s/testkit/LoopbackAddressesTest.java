package dev.ballast.k8s.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoopbackAddressesTest {

  @Test
  void testJvmsNumberedByTheBuildGetDisjointAddresses() {
    // when / then
    assertThat(LoopbackAddresses.defaultPrefix("1")).isEqualTo("127.0.1.");
    assertThat(LoopbackAddresses.defaultPrefix("2")).isEqualTo("127.0.2.");
    assertThat(new LoopbackAddresses(LoopbackAddresses.defaultPrefix("2")).addressOf("ns", "zk-0"))
        .isEqualTo("127.0.2.2");
  }

  @Test
  void aJvmTheBuildDoesNotNumberKeepsTheFirstRange() {
    // when / then
    assertThat(LoopbackAddresses.defaultPrefix(null)).isEqualTo("127.0.0.");
    assertThat(LoopbackAddresses.defaultPrefix("")).isEqualTo("127.0.0.");
    assertThat(LoopbackAddresses.defaultPrefix("${surefire.forkNumber}")).isEqualTo("127.0.0.");
    assertThat(LoopbackAddresses.defaultPrefix("0")).isEqualTo("127.0.0.");
    assertThat(LoopbackAddresses.defaultPrefix("300")).isEqualTo("127.0.0.");
  }

  @Test
  void aPodKeepsItsAddressAndTheNextPodGetsTheNext() {
    // given
    LoopbackAddresses addresses = new LoopbackAddresses("127.0.3.");

    // when
    String first = addresses.addressOf("ns", "zk-0");
    String second = addresses.addressOf("ns", "zk-1");

    // then
    assertThat(first).isEqualTo("127.0.3.2");
    assertThat(second).isEqualTo("127.0.3.3");
    assertThat(addresses.addressOf("ns", "zk-0")).isEqualTo(first);
  }
}
