package dev.ballast.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalTest {
  @Test
  void isInteractiveOnlyOnAConsoleThatIsNotDumb() {
    assertThat(Terminal.detect(true, Map.of("TERM", "xterm-256color")).interactive()).isTrue();
    assertThat(Terminal.detect(true, Map.of()).interactive()).isTrue();
    assertThat(Terminal.detect(true, Map.of("TERM", "dumb")).interactive()).isFalse();
    assertThat(Terminal.detect(false, Map.of("TERM", "xterm"))).isEqualTo(Terminal.PLAIN);
  }

  @Test
  void takesItsWidthFromColumnsWhenExported() {
    assertThat(Terminal.detect(true, Map.of("COLUMNS", "132")).columns()).isEqualTo(132);
    assertThat(Terminal.detect(true, Map.of()).columns()).isEqualTo(Terminal.DEFAULT_COLUMNS);
    assertThat(Terminal.detect(true, Map.of("COLUMNS", "wide")).columns())
        .isEqualTo(Terminal.DEFAULT_COLUMNS);
    assertThat(Terminal.detect(true, Map.of("COLUMNS", "5")).columns())
        .isEqualTo(Terminal.DEFAULT_COLUMNS);
  }
}
