package dev.ballast.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessIdentityTest {

  @Test
  void readsStateSessionAndStartTimeEvenWhenTheCommandNameHoldsSpacesAndParentheses() {
    // given: a /proc/<pid>/stat line whose comm is "a) b (c"
    String stat =
        "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 1000 0 0 0 10 5 0 0 20 0 30 0 987654 "
            + "100000 2000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    // when
    ProcessIdentity id = ProcessIdentity.parse(4242, stat).orElseThrow();

    // then
    assertThat(id.state()).isEqualTo('S');
    assertThat(id.session()).isEqualTo(4242);
    assertThat(id.startTicks()).isEqualTo(987654);
    assertThat(id.alive()).isTrue();
  }

  @Test
  void aZombieIsNotAlive() {
    String stat =
        "77 (java) Z 1 77 77 0 -1 4194560 1000 0 0 0 10 5 0 0 20 0 30 0 5555 0 0 0 0 0 0 0";

    assertThat(ProcessIdentity.parse(77, stat).orElseThrow().alive()).isFalse();
  }

  @Test
  void rejectsATruncatedLine() {
    assertThat(ProcessIdentity.parse(1, "1 (init) S 0 1")).isEmpty();
  }
}
